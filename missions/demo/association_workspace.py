"""Demo association accounts: one administrator per association that has sessions."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from missions.models import AssociationMembership, AssociationPage
from portal.demo.people import demo_password_hash


def demo_email(association: AssociationPage) -> str:
    return f"contact@{association.slug}.example"


@transaction.atomic
def seed() -> None:
    """contact@<association slug>.example (demo password) administers its association's
    workspace; idempotent: existing accounts and memberships are left as they are."""
    user_model = get_user_model()
    associations = AssociationPage.objects.filter(missions__sessions__isnull=False).distinct()
    for association in associations.order_by("pk"):
        email = demo_email(association)
        user = user_model.objects.filter(email=email).first()
        if user is None:
            user = user_model(username=email, email=email, password=demo_password_hash())
            user.first_name, user.last_name = "Contact", association.title[:150]
            user.save()
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        AssociationMembership.objects.get_or_create(
            user=user,
            association=association,
            defaults={"role": AssociationMembership.Role.ADMIN},
        )
