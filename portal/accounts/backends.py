"""Authentication backends that load the signed-in person in one query per request.

Django's `ModelBackend.get_user` reads the user alone; every page then reads the profile, the
company and whether the person manages anyone (the menu shows Approvals), four queries on every
request. These backends read all of it at once: the same checks, fewer round trips.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import Exists, OuterRef

from portal.models import EmployeeProfile


class _PersonInOneQuery:
    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.select_related("profile__company")
            .annotate(
                cordee_is_manager=Exists(
                    EmployeeProfile.objects.filter(manager__user_id=OuterRef("pk"))
                )
            )
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        return user


class ModelBackend(_PersonInOneQuery, DjangoModelBackend):
    pass


class AuthenticationBackend(_PersonInOneQuery, AllauthBackend):
    pass
