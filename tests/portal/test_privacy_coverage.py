"""Every field of the project's models that holds a person is exported, or listed with a reason.

The walk is `portal.privacy.coverage`; the declarations are each contributor's `PERSON_FIELDS`
(field -> export table) and `NOT_EXPORTED` (field -> reason). A new model with a foreign key to
a person, or a free text, fails here until its app's privacy module accounts for it.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.apps.registry import Apps
from django.conf import settings
from django.db import models

from portal.models import EmployeeProfile
from portal.privacy import contributors, coverage
from tests.factories import make_association, make_association_member, make_employee


def test_every_person_field_of_every_model_is_exported_or_listed_with_a_reason():
    assert coverage.unaccounted() == []


def test_the_walk_finds_the_known_person_fields():
    # A walk that found nothing would pass the test above: it must see the fields we know.
    found = set(coverage.person_fields(coverage.project_models()))
    assert {
        "missions.SessionMessage.sent_by",
        "missions.SessionMessage.recipient_ids",
        "missions.SessionMessage.body",
        "reporting.FeedbackReadMark.profile",
        "portal.EmployeePay.profile",
        "missions.AssociationMembership.user",
        "donations.TaxReceipt.issued_by",
        "missions.Feedback.comment",
    } <= found
    # Wagtail's own page fields belong to Wagtail, not to these apps.
    assert "missions.MissionPage.owner" not in found


def test_every_declaration_names_a_real_field_once_with_a_reason():
    covered, not_exported = coverage.declared()
    assert not set(covered) & set(not_exported)
    for key in [*covered, *not_exported]:
        app_label, model_name, field_name = key.split(".")
        model = apps.get_model(app_label, model_name)
        model._meta.get_field(field_name)  # FieldDoesNotExist on a stale entry
    assert all(reason.strip() for reason in not_exported.values())


def test_a_new_model_with_a_person_field_is_caught():
    # A registry of its own: the project's models (and the walk over them) are left unchanged.
    registry = Apps()

    class Kudos(models.Model):
        giver = models.ForeignKey(EmployeeProfile, on_delete=models.CASCADE, related_name="+")
        receiver = models.ForeignKey(
            settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
        )
        words = models.TextField()
        colour = models.CharField(max_length=20)

        class Meta:
            app_label = "portal"
            apps = registry

        def __str__(self) -> str:
            return self.words

    assert coverage.unaccounted([Kudos]) == [
        "portal.Kudos.giver",
        "portal.Kudos.receiver",
        "portal.Kudos.words",
    ]


@pytest.mark.django_db
def test_every_covering_table_is_in_an_export(company_a, site_tree):
    """A declaration names a table that the person's or the member's export really has."""
    profile = make_employee(company_a)
    member = make_association_member(make_association(title="Les Amis du Parc"))
    tables = set(contributors.export_tables(profile)) | set(
        contributors.export_account_tables(member)
    )
    covered, _not_exported = coverage.declared()
    assert set(covered.values()) - tables == set()
