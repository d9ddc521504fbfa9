"""CSR officers' giving rules: matching policies, fixed-pledge bounds, card refunds.

Happy paths, each validation message on its field with nothing written, audit entries, and
tenancy (another company's ids are 404, employees are refused).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from donations.exceptions import PaymentProviderError
from donations.models import AuditEntry, Donation, GivingSettings, Match, MatchingPolicy
from donations.payments.base import PaymentProvider
from donations.payments.types import PaymentIntentResult, PaymentState, ProviderEvent
from donations.services import rules
from donations.services.cards import handle_provider_event
from donations.services.matching import match_donation
from tests.donations.conftest import pledge_for
from tests.donations.helpers import WHEN, card_donation, make_donation
from tests.factories import CauseFactory, make_employee

pytestmark = pytest.mark.django_db

NEW = reverse("donations:rules_policy_create")


@pytest.fixture(autouse=True)
def _english_pages(client):
    """Pages in English, so messages read as their source (French money is checked once)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def policy_post(**overrides) -> dict:
    data = {
        "ratio_numerator": "2",
        "ratio_denominator": "1",
        "employee_cap": "500",
        "budget": "10 000,00",
        "sources": ["payroll", "card"],
        "period_start": "2027-01-01",
        "period_end": "2028-01-01",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def edit_url(policy) -> str:
    return reverse("donations:rules_policy_edit", args=[policy.pk])


def errors_of(response, field: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def audit(action: str):
    return AuditEntry.objects.filter(action=action)


# Matching policies: create -------------------------------------------------------------------


def test_officer_creates_a_policy(client, csr_a, company_a, associations):
    cause = CauseFactory(name="Santé")
    client.force_login(csr_a.user)
    response = client.post(
        NEW,
        policy_post(
            ratio_numerator="1",
            ratio_denominator="2",
            employee_cap="250,50",
            sources=["card"],
            causes=[str(cause.pk)],
            associations=[str(associations[0].pk)],
        ),
    )
    assert response.status_code == 302
    policy = MatchingPolicy.objects.get(company=company_a)
    assert policy.ratio_display() == "1:2"
    assert policy.employee_yearly_cap_cents == 25_050
    assert policy.yearly_budget_cents == 1_000_000
    assert (policy.match_payroll, policy.match_card) == (False, True)
    assert list(policy.causes.all()) == [cause]
    assert list(policy.associations.all()) == [associations[0]]
    assert (policy.period_start, policy.period_end) == (dt.date(2027, 1, 1), dt.date(2028, 1, 1))
    assert policy.currency == company_a.currency
    entry = audit("matching_policy.created").get()
    assert entry.actor == csr_a.user and entry.company == company_a
    assert entry.object_id == str(policy.pk)
    assert entry.data["budget_cents"] == 1_000_000 and entry.data["ratio"] == "1:2"


def test_policy_form_shows_the_company_period_by_default(client, csr_a):
    client.force_login(csr_a.user)
    response = client.get(NEW)
    assert response.status_code == 200
    year = timezone.localdate().year
    assert response.context["form"].initial["period_start"] == dt.date(year, 1, 1)


def test_new_policy_form_starts_where_the_latest_policy_ends(client, csr_a, company_a):
    rules.create_matching_policy(
        company=company_a,
        terms=rules.PolicyTerms(
            ratio_numerator=1,
            ratio_denominator=1,
            employee_cap_cents=100,
            budget_cents=1000,
            period_start=dt.date(2099, 1, 1),
            period_end=dt.date(2099, 7, 1),
        ),
    )
    client.force_login(csr_a.user)
    initial = client.get(NEW).context["form"].initial
    assert (initial["period_start"], initial["period_end"]) == (
        dt.date(2099, 7, 1),
        dt.date(2100, 7, 1),
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"employee_cap": "20 000"}, "employee_cap", "cannot be more than the budget"),
        ({"period_end": "2027-01-01"}, "period_end", "The end must be after the start"),
        ({"period_end": "2026-06-01"}, "period_end", "The end must be after the start"),
        ({"sources": None}, "sources", "at least one kind of gift"),
        ({"budget": "0"}, "budget", "greater than or equal to 0.01"),
        ({"budget": "-5"}, "budget", "greater than or equal to 0.01"),
        ({"employee_cap": "0"}, "employee_cap", "greater than or equal to 0.01"),
        ({"budget": "12,345"}, "budget", "2 decimal places"),
        ({"budget": "beaucoup"}, "budget", "Enter a number"),
        ({"ratio_numerator": "0"}, "ratio_numerator", "greater than or equal to 1"),
        ({"ratio_denominator": "101"}, "ratio_denominator", "less than or equal to 100"),
        ({"period_start": ""}, "period_start", "required"),
        ({"period_end": "31/02/2027"}, "period_end", "valid date"),
    ],
)
def test_policy_form_refuses_bad_input_and_writes_nothing(client, csr_a, overrides, field, message):
    client.force_login(csr_a.user)
    response = client.post(NEW, policy_post(**overrides))
    assert response.status_code == 400
    assert any(message in e for e in errors_of(response, field)), response.context["form"].errors
    assert not MatchingPolicy.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_overlapping_period_is_refused(client, csr_a, policy_a):
    """matching.policy_for picks one policy per day: a second one would hide the first's budget."""
    client.force_login(csr_a.user)
    response = client.post(NEW, policy_post(period_start="2026-12-01", period_end="2027-06-01"))
    assert response.status_code == 400
    [error] = errors_of(response, "period_start")
    assert "overlaps the policy from 01/01/2026 to 01/01/2027" in error
    assert MatchingPolicy.objects.get() == policy_a
    assert not audit("matching_policy.created").exists()


def test_a_period_inside_another_is_refused_too(client, csr_a, policy_a):
    client.force_login(csr_a.user)
    response = client.post(NEW, policy_post(period_start="2026-03-01", period_end="2026-04-01"))
    assert response.status_code == 400
    assert errors_of(response, "period_start")
    assert MatchingPolicy.objects.count() == 1


def test_a_period_starting_when_the_last_one_ends_is_fine(client, csr_a, policy_a):
    client.force_login(csr_a.user)
    response = client.post(NEW, policy_post(period_start="2027-01-01", period_end="2028-01-01"))
    assert response.status_code == 302
    assert MatchingPolicy.objects.count() == 2


def test_another_companys_policy_does_not_overlap_ours(client, csr_b, company_b, policy_a):
    client.force_login(csr_b.user)
    response = client.post(NEW, policy_post(period_start="2026-01-01", period_end="2027-01-01"))
    assert response.status_code == 302
    assert MatchingPolicy.objects.filter(company=company_b).count() == 1


def test_an_association_not_offered_is_refused(client, csr_a, site_tree):
    from tests.factories import make_association

    pending = make_association(title="Pas encore vérifiée", vetting_status="pending")
    client.force_login(csr_a.user)
    response = client.post(NEW, policy_post(associations=[str(pending.pk)]))
    assert response.status_code == 400
    assert errors_of(response, "associations")
    assert not MatchingPolicy.objects.exists()


def test_the_service_checks_what_the_form_does_not(company_a, policy_a):
    """Called directly (admin scripts, demo), the service still refuses bad terms."""
    terms = rules.PolicyTerms(
        ratio_numerator=0,
        ratio_denominator=1,
        employee_cap_cents=0,
        budget_cents=-1,
        period_start=dt.date(2030, 1, 1),
        period_end=dt.date(2029, 1, 1),
        match_payroll=False,
        match_card=False,
        cause_ids=frozenset({987654}),
    )
    with pytest.raises(rules.InvalidRules) as caught:
        rules.create_matching_policy(company=company_a, terms=terms)
    assert set(caught.value.errors) == {
        "ratio_numerator",
        "employee_cap",
        "budget",
        "period_end",
        "sources",
        "causes",
    }
    assert MatchingPolicy.objects.count() == 1


# Matching policies: list and edit ------------------------------------------------------------


def matched(policy, donor, association, amount_cents, when=WHEN):
    donation = make_donation(donor, association, amount_cents, when=when)
    match = match_donation(donation)
    assert match is not None
    policy.refresh_from_db()
    return match


def test_list_shows_spent_and_remaining_budget(client, csr_a, employee_a, associations, policy_a):
    matched(policy_a, employee_a, associations[0], 12_345)
    client.force_login(csr_a.user)
    response = client.get(reverse("donations:rules_policies"))
    assert response.status_code == 200
    [(_policy, summary)] = response.context["policies"]
    assert summary["spent_cents"] == 12_345
    assert summary["remaining_cents"] == 1_000_000 - 12_345
    body = response.content.decode()
    assert "€123.45" in body and "€9,876.55" in body
    french = client.get(reverse("donations:rules_policies"), HTTP_ACCEPT_LANGUAGE="fr")
    body = french.content.decode().replace("\u202f", " ").replace("\xa0", " ")
    assert "123,45 €" in body and "9 876,55 €" in body


def test_officer_edits_a_policy_and_the_change_is_audited(client, csr_a, policy_a):
    client.force_login(csr_a.user)
    form = client.get(edit_url(policy_a)).context["form"]
    assert form.initial["budget"] == 10_000 and form.initial["sources"] == ["payroll", "card"]
    response = client.post(
        edit_url(policy_a),
        policy_post(
            ratio_numerator="2",
            ratio_denominator="1",
            employee_cap="500",
            budget="20000",
            sources=["payroll"],
            period_start="2026-01-01",
            period_end="2027-01-01",
        ),
    )
    assert response.status_code == 302
    policy_a.refresh_from_db()
    assert policy_a.ratio_display() == "2:1"
    assert policy_a.yearly_budget_cents == 2_000_000 and not policy_a.match_card
    entry = audit("matching_policy.updated").get()
    assert entry.actor == csr_a.user and entry.object_id == str(policy_a.pk)
    assert entry.data == {
        "ratio": ["1:1", "2:1"],
        "budget_cents": [1_000_000, 2_000_000],
        "match_card": [True, False],
    }


def test_saving_an_unchanged_policy_writes_no_audit_entry(client, csr_a, policy_a):
    client.force_login(csr_a.user)
    response = client.post(
        edit_url(policy_a),
        policy_post(
            ratio_numerator="1",
            employee_cap="500",
            budget="10000",
            period_start="2026-01-01",
            period_end="2027-01-01",
        ),
    )
    assert response.status_code == 302
    assert not AuditEntry.objects.exists()


def test_budget_cannot_go_below_what_is_matched(client, csr_a, employee_a, associations, policy_a):
    matched(policy_a, employee_a, associations[0], 30_000)
    client.force_login(csr_a.user)
    base = {"period_start": "2026-01-01", "period_end": "2027-01-01", "employee_cap": "100"}
    response = client.post(edit_url(policy_a), policy_post(budget="299,99", **base))
    assert response.status_code == 400
    [error] = errors_of(response, "budget")
    assert "already matched" in error and "300.00" in error
    policy_a.refresh_from_db()
    assert policy_a.yearly_budget_cents == 1_000_000
    assert not audit("matching_policy.updated").exists()
    # Exactly what was matched is allowed: nothing is left to match.
    response = client.post(edit_url(policy_a), policy_post(budget="300", **base))
    assert response.status_code == 302
    policy_a.refresh_from_db()
    assert policy_a.yearly_budget_cents == policy_a.spent_cents == 30_000


def test_period_must_still_cover_matched_gifts(client, csr_a, employee_a, associations, policy_a):
    matched(policy_a, employee_a, associations[0], 1000)  # on 31/03/2026
    client.force_login(csr_a.user)
    response = client.post(
        edit_url(policy_a),
        policy_post(period_start="2026-04-01", period_end="2027-01-01", employee_cap="100"),
    )
    assert response.status_code == 400
    [error] = errors_of(response, "period_start")
    assert "31/03/2026" in error
    policy_a.refresh_from_db()
    assert policy_a.period_start == dt.date(2026, 1, 1)
    assert not AuditEntry.objects.filter(action__startswith="matching_policy").exists()


def test_editing_into_another_policys_period_is_refused(client, csr_a, company_a, policy_a):
    later = rules.create_matching_policy(
        company=company_a,
        terms=rules.PolicyTerms(
            ratio_numerator=1,
            ratio_denominator=1,
            employee_cap_cents=100,
            budget_cents=1000,
            period_start=dt.date(2027, 1, 1),
            period_end=dt.date(2028, 1, 1),
        ),
    )
    client.force_login(csr_a.user)
    response = client.post(
        edit_url(later), policy_post(period_start="2026-07-01", period_end="2028-01-01")
    )
    assert response.status_code == 400
    assert "overlaps" in errors_of(response, "period_start")[0]
    later.refresh_from_db()
    assert later.period_start == dt.date(2027, 1, 1)


def test_edit_form_keeps_an_association_no_longer_open(client, csr_a, associations, policy_a):
    policy_a.associations.set([associations[0]])
    associations[0].vetting_status = "suspended"
    associations[0].save()
    client.force_login(csr_a.user)
    choices = dict(client.get(edit_url(policy_a)).context["form"].fields["associations"].choices)
    assert associations[0].pk in choices


# Tenancy and roles ---------------------------------------------------------------------------


def all_pages(policy_pk: int, donation_pk: int) -> list[str]:
    return [
        reverse("donations:rules_policies"),
        NEW,
        reverse("donations:rules_policy_edit", args=[policy_pk]),
        reverse("donations:rules_pledge_bounds"),
        reverse("donations:rules_refunds"),
        reverse("donations:rules_refund", args=[donation_pk]),
    ]


def test_employees_are_refused_every_rules_page(client, employee_a, policy_a, associations):
    donation = card_donation(employee_a, associations[0], 1000)
    client.force_login(employee_a.user)
    for url in all_pages(policy_a.pk, donation.pk):
        assert client.get(url).status_code == 404, url
        assert client.post(url, policy_post(confirm="yes")).status_code == 404, url
    assert MatchingPolicy.objects.count() == 1
    assert not GivingSettings.objects.exists()
    assert not AuditEntry.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, policy_a):
    for url in all_pages(policy_a.pk, 1):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_company_b_cannot_see_or_change_company_a_policy(client, csr_b, policy_a):
    client.force_login(csr_b.user)
    assert client.get(edit_url(policy_a)).status_code == 404
    response = client.post(edit_url(policy_a), policy_post(budget="1", employee_cap="1"))
    assert response.status_code == 404
    policy_a.refresh_from_db()
    assert policy_a.yearly_budget_cents == 1_000_000
    assert not AuditEntry.objects.exists()
    assert client.get(reverse("donations:rules_policies")).context["policies"] == []


def test_company_b_cannot_see_or_refund_company_a_donation(
    client, csr_b, employee_a, associations, fake_provider
):
    donation = card_donation(employee_a, associations[0], 1000)
    client.force_login(csr_b.user)
    url = reverse("donations:rules_refund", args=[donation.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "yes"}).status_code == 404
    assert fake_provider.refunded == []
    assert not AuditEntry.objects.exists()
    assert client.get(reverse("donations:rules_refunds")).context["rows"] == []


# Fixed-pledge bounds --------------------------------------------------------------------------


BOUNDS = reverse("donations:rules_pledge_bounds")


def test_officer_sets_the_bounds_and_a_missing_row_is_created(client, csr_a, company_a):
    assert not GivingSettings.objects.exists()
    client.force_login(csr_a.user)
    response = client.get(BOUNDS)
    assert response.status_code == 200
    assert response.context["form"].initial == {"fixed_min": 1, "fixed_max": 100}
    response = client.post(BOUNDS, {"fixed_min": "5", "fixed_max": "250,50"})
    assert response.status_code == 302
    row = GivingSettings.objects.get(company=company_a)
    assert (row.fixed_min_cents, row.fixed_max_cents) == (500, 25_050)
    entry = audit("giving_settings.updated").get()
    assert entry.actor == csr_a.user and entry.company == company_a
    assert entry.data == {"fixed_min_cents": [100, 500], "fixed_max_cents": [10_000, 25_050]}


def test_the_service_creates_the_row_when_missing(company_a):
    row = rules.update_giving_settings(company=company_a, fixed_min_cents=1, fixed_max_cents=1)
    assert (row.fixed_min_cents, row.fixed_max_cents) == (1, 1)
    assert audit("giving_settings.updated").count() == 1


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        ({"fixed_min": "50", "fixed_max": "10"}, "fixed_max", "cannot be lower than the minimum"),
        ({"fixed_min": "0", "fixed_max": "10"}, "fixed_min", "greater than or equal to 0.01"),
        ({"fixed_min": "0,001", "fixed_max": "10"}, "fixed_min", "2 decimal places"),
        ({"fixed_min": "1", "fixed_max": ""}, "fixed_max", "required"),
    ],
)
def test_bad_bounds_are_refused_and_nothing_is_written(
    client, csr_a, company_a, post, field, message
):
    GivingSettings.objects.create(company=company_a, fixed_min_cents=200, fixed_max_cents=3000)
    client.force_login(csr_a.user)
    response = client.post(BOUNDS, post)
    assert response.status_code == 400
    assert any(message in e for e in errors_of(response, field)), response.context["form"].errors
    row = GivingSettings.objects.get()
    assert (row.fixed_min_cents, row.fixed_max_cents) == (200, 3000)
    assert not AuditEntry.objects.exists()


def test_the_service_refuses_bounds_below_a_cent(company_a):
    with pytest.raises(rules.InvalidRules) as caught:
        rules.update_giving_settings(company=company_a, fixed_min_cents=0, fixed_max_cents=-3)
    assert set(caught.value.errors) == {"fixed_min", "fixed_max"}
    assert not GivingSettings.objects.exists()


def test_officer_is_told_about_pledges_outside_new_bounds(client, csr_a, employee_a, round_up_a):
    pledge_for(employee_a, round_up_a, rule="fixed", fixed=5000)
    client.force_login(csr_a.user)
    response = client.post(BOUNDS, {"fixed_min": "1", "fixed_max": "30"}, follow=True)
    text = [str(m) for m in response.context["messages"]]
    assert any("1 current fixed pledge is outside these bounds" in m for m in text), text
    response = client.post(BOUNDS, {"fixed_min": "1", "fixed_max": "50"}, follow=True)
    assert not any("outside" in str(m) for m in response.context["messages"])


def test_company_b_bounds_do_not_touch_company_a(client, csr_b, company_a, company_b):
    client.force_login(csr_b.user)
    client.post(BOUNDS, {"fixed_min": "3", "fixed_max": "4"})
    assert GivingSettings.objects.get().company == company_b


# Card refunds --------------------------------------------------------------------------------


class FakeProvider(PaymentProvider):
    """Records refunds; says a payment is refunded once asked, as the provider would."""

    name = "fake"

    def __init__(self):
        self.refunded: list[str] = []
        self.fail_with: str | None = None
        self.amounts: dict[str, tuple[int, str]] = {}

    def create_payment(self, request):
        return PaymentIntentResult(f"pi_{request.idempotency_key}", "secret", "pending")

    def retrieve_payment(self, external_id):
        amount, currency = self.amounts[external_id]
        refunded = amount if external_id in self.refunded else 0
        return PaymentState(external_id, PaymentState.SUCCEEDED, amount, currency, refunded)

    def refund(self, external_id, *, amount_cents=None):
        if self.fail_with:
            raise PaymentProviderError(self.fail_with)
        self.refunded.append(external_id)

    def parse_webhook(self, payload, signature_header):
        raise NotImplementedError


@pytest.fixture
def fake_provider(monkeypatch):
    provider = FakeProvider()
    monkeypatch.setattr("donations.services.cards.get_provider", lambda: provider)
    monkeypatch.setattr("donations.views.rules.get_provider", lambda: provider)
    return provider


def refund_url(donation) -> str:
    return reverse("donations:rules_refund", args=[donation.pk])


def test_refund_list_shows_company_card_gifts_recent_first(
    client, csr_a, employee_a, employee_b, associations
):
    old = card_donation(employee_a, associations[0], 1111, when=WHEN - dt.timedelta(days=3))
    new = card_donation(employee_a, associations[1], 2222)
    make_donation(employee_a, associations[0], 3333)  # payroll: not refunded here
    card_donation(employee_b, associations[0], 4444)  # company B
    client.force_login(csr_a.user)
    response = client.get(reverse("donations:rules_refunds"))
    assert [d for d, _ in response.context["rows"]] == [new, old]
    body = response.content.decode()
    assert "33.33" not in body and "44.44" not in body
    assert "when the provider confirms it" in body
    assert body.count('name="csrfmiddlewaretoken"') >= 2  # one refund button per gift


def test_refund_list_is_paginated(client, csr_a, employee_a, associations):
    for i in range(51):
        card_donation(employee_a, associations[0], 100 + i, when=WHEN + dt.timedelta(minutes=i))
    client.force_login(csr_a.user)
    first = client.get(reverse("donations:rules_refunds"))
    assert len(first.context["rows"]) == 50
    assert first.context["rows"][0][0].amount_cents == 150
    second = client.get(reverse("donations:rules_refunds"), {"page": 2})
    assert [d.amount_cents for d, _ in second.context["rows"]] == [100]


def test_refund_button_leads_to_a_confirmation_first(
    client, csr_a, employee_a, associations, fake_provider
):
    donation = card_donation(employee_a, associations[0], 1000, fee_cents=40)
    client.force_login(csr_a.user)
    for response in (client.get(refund_url(donation)), client.post(refund_url(donation))):
        assert response.status_code == 200
        assert response.templates[0].name == "donations/rules/refund_confirm.html"
        body = response.content.decode()
        assert 'name="confirm" value="yes"' in body and "€10.40" in body
    assert fake_provider.refunded == []
    assert not AuditEntry.objects.exists()


def test_confirmed_refund_asks_the_provider_and_waits_for_its_webhook(
    client, csr_a, employee_a, associations, policy_a, fake_provider
):
    donation = card_donation(employee_a, associations[0], 1000, provider=fake_provider)
    match_donation(donation)
    client.force_login(csr_a.user)
    response = client.post(refund_url(donation), {"confirm": "yes"}, follow=True)
    assert fake_provider.refunded == [donation.payment.external_id]
    entry = audit("donation.refund_requested").get()
    assert entry.actor == csr_a.user and entry.object_id == str(donation.pk)
    assert any(
        "when the payment provider confirms it" in str(m) for m in response.context["messages"]
    )
    # Nothing is recorded until the provider says so.
    donation.refresh_from_db()
    policy_a.refresh_from_db()
    assert donation.status == Donation.Status.SUCCEEDED and policy_a.spent_cents == 1000
    [(shown, requested_at)] = response.context["rows"]
    assert shown == donation and requested_at == entry.created_at
    assert "awaiting the provider" in response.content.decode()
    # The provider's webhook records the refund and gives the match back.
    event = ProviderEvent(
        id="evt_refund",
        type="charge.refunded",
        object_type="charge",
        object_id="ch_1",
        payment_id=donation.payment.external_id,
    )
    assert handle_provider_event(event, provider=fake_provider) == "refunded"
    assert Donation.objects.count() == 1
    donation.refresh_from_db()
    policy_a.refresh_from_db()
    assert donation.status == Donation.Status.REFUNDED and policy_a.spent_cents == 0
    assert Match.objects.get().status == Match.Status.REVERSED
    body = client.get(reverse("donations:rules_refunds")).content.decode()
    assert "Refunded on" in body and f'action="{refund_url(donation)}"' not in body


def test_provider_error_is_shown_and_nothing_is_logged(
    client, csr_a, employee_a, associations, fake_provider
):
    fake_provider.fail_with = "charge_already_refunded"
    donation = card_donation(employee_a, associations[0], 1000)
    client.force_login(csr_a.user)
    response = client.post(refund_url(donation), {"confirm": "yes"}, follow=True)
    text = [str(m) for m in response.context["messages"]]
    assert text == ["The refund was not made: charge_already_refunded"]
    assert not AuditEntry.objects.exists()


def test_a_refunded_donation_is_not_refunded_again(
    client, csr_a, employee_a, associations, fake_provider
):
    donation = card_donation(employee_a, associations[0], 1000)
    Donation.objects.filter(pk=donation.pk).update(
        status="refunded", refunded_at=WHEN, refunded_cents=F("amount_cents")
    )
    client.force_login(csr_a.user)
    response = client.post(refund_url(donation), {"confirm": "yes"}, follow=True)
    assert fake_provider.refunded == []
    assert [str(m) for m in response.context["messages"]] == ["This donation is already refunded."]
    assert not AuditEntry.objects.exists()


def test_payroll_donations_have_no_refund_page(client, csr_a, employee_a, associations):
    donation = make_donation(employee_a, associations[0], 1000)
    client.force_login(csr_a.user)
    assert client.get(refund_url(donation)).status_code == 404
    assert client.post(refund_url(donation), {"confirm": "yes"}).status_code == 404


def test_demo_provider_refund_is_applied_at_once(
    client, settings, csr_a, employee_a, associations, policy_a
):
    """The dummy provider has no webhook: its refund goes through the webhook's path at once."""
    settings.STRIPE_SECRET_KEY = ""
    donation = card_donation(employee_a, associations[0], 1000)
    match_donation(donation)
    client.force_login(csr_a.user)
    response = client.post(refund_url(donation), {"confirm": "yes"}, follow=True)
    assert audit("donation.refund_requested").count() == 1
    assert audit("donation.refunded").count() == 1
    donation.refresh_from_db()
    policy_a.refresh_from_db()
    assert donation.status == Donation.Status.REFUNDED and policy_a.spent_cents == 0
    assert donation.payment.status == "refunded"
    assert Match.objects.get().status == Match.Status.REVERSED
    body = response.content.decode()
    assert "Demonstration payment provider" in body and "no money moved" in body


def test_employee_of_a_gift_is_not_an_officer(client, company_a, associations, fake_provider):
    donor = make_employee(company_a, first_name="Donor")
    donation = card_donation(donor, associations[0], 1000)
    client.force_login(donor.user)
    assert client.post(refund_url(donation), {"confirm": "yes"}).status_code == 404
    assert fake_provider.refunded == []
