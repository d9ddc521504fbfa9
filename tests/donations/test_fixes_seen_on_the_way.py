"""Fixes of issue 14, item 9, on the giving side: round-up labels and the consent wording."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from donations.models import Pledge
from portal.models import EmployeeProfile

pytestmark = pytest.mark.django_db


def test_round_up_rules_read_as_french_labels():
    with translation.override("fr"):
        assert str(Pledge.Rule.ROUND_5.label) == "Arrondi au 5 € supérieur"
        assert str(Pledge.Rule.ROUND_10.label) == "Arrondi au 10 € supérieur"


@pytest.mark.parametrize(("language", "word"), [("en", "chosen above"), ("fr", "ci-dessus")])
def test_pledge_consent_points_up_to_the_associations_it_follows(
    client, employee_a, round_up_a, language, word
):
    EmployeeProfile.objects.filter(pk=employee_a.pk).update(employee_number="E-7")
    client.force_login(employee_a.user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    html = client.get(reverse("donations:pledge")).content.decode()
    consent = html.index('name="consent"')
    # Every association share field comes before the consent that refers to them.
    for association in round_up_a:
        assert html.index(f'name="share_{association.pk}"') < consent
    assert word in html[consent - 2000 : consent + 2000]
