"""Giving e-mails: card receipt, failure and refund; pledge consent records; payroll run notes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from wagtail.models import Page

from donations.exceptions import InvalidPledge
from donations.models import CONSENT_TEXT_VERSION, Donation, MatchingPolicy, PaymentAttempt
from donations.payments.base import PaymentProvider
from donations.payments.types import PaymentIntentResult, PaymentState, ProviderEvent
from donations.services import notifications
from donations.services.cards import handle_provider_event, start_card_donation
from donations.services.payroll import (
    confirm_payroll_run,
    export_deductions,
    import_net_pay,
    open_payroll_run,
)
from donations.services.pledges import PledgeTerms, change_pledge, stop_pledge
from portal.money import format_money
from tests.donations.conftest import BEFORE_MONTH, MONTH, NET_PAY_FILE, pledge_for
from tests.factories import make_employee

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")  # the companies' time zone


def fr(cents: int) -> str:
    """An amount as the site shows it in French (the site's language)."""
    return format_money(cents, "EUR", locale="fr")


def en(cents: int) -> str:
    return format_money(cents, "EUR", locale="en")


class FakeProvider(PaymentProvider):
    """A provider whose answer to `retrieve_payment` each test sets."""

    name = "fake"

    def __init__(self):
        self.states: dict[str, PaymentState] = {}

    def create_payment(self, request):
        external_id = f"pi_{request.idempotency_key}"
        self.states[external_id] = PaymentState(
            external_id, PaymentState.PENDING, request.amount_cents, request.currency
        )
        return PaymentIntentResult(external_id, f"{external_id}_secret", "pending")

    def retrieve_payment(self, external_id):
        return self.states[external_id]

    def refund(self, external_id, *, amount_cents=None):
        return None

    def parse_webhook(self, payload, signature_header):
        raise NotImplementedError

    def set(self, attempt, status, *, refunded_cents=0, failure_message=""):
        self.states[attempt.external_id] = PaymentState(
            attempt.external_id,
            status,
            attempt.charged_cents,
            attempt.currency,
            refunded_cents=refunded_cents,
            failure_message=failure_message,
        )

    def deliver(self, attempt, event_id: str, event_type: str) -> str:
        event = ProviderEvent(
            id=event_id,
            type=event_type,
            object_type="payment_intent",
            object_id=attempt.external_id,
            payment_id=attempt.external_id,
        )
        return handle_provider_event(event, provider=self)


@pytest.fixture
def provider():
    return FakeProvider()


@pytest.fixture
def policy_now(company_a):
    """A 1:1 policy over the current year (card gifts happen now)."""
    year = timezone.localdate().year
    return MatchingPolicy.objects.create(
        company=company_a,
        employee_yearly_cap_cents=50_000,
        yearly_budget_cents=1_000_000,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year + 1, 1, 1),
        currency="EUR",
    )


@pytest.fixture
def outbox(mailoutbox):
    mailoutbox.clear()
    return mailoutbox


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what was queued on commit inside it (the e-mail tasks) at its
    end, as a real commit would; what a rolled-back block queued is dropped."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _attempt(employee, association, provider, amount=2500, cover_fees=False):
    return start_card_donation(
        donor=employee,
        association_id=association.pk,
        amount_cents=amount,
        cover_fees=cover_fees,
        provider=provider,
    )


# Card gifts


def test_card_success_sends_one_receipt_note_with_figures(
    employee_a, associations, policy_now, provider, outbox, committed
):
    attempt = _attempt(employee_a, associations[0], provider, amount=2500, cover_fees=True)
    provider.set(attempt, PaymentState.SUCCEEDED)
    with committed():
        assert provider.deliver(attempt, "evt_1", "payment_intent.succeeded") == "recorded"
    (message,) = outbox
    assert message.to == ["ana@alpha.example"]
    assert "Les Restos" in message.subject
    body = message.body
    assert fr(2500) in body and fr(5000) in body  # "your 25 € became 50 €"
    assert attempt.fee_cents > 0
    assert f"({fr(attempt.fee_cents)})" in body  # the fees covered
    assert fr(2500 + attempt.fee_cents) in body  # what the card was charged
    assert "Cerfa 11580" in body and "Les Restos" in body
    assert "frais" in body and "sont devenus" in body  # French, the site's language
    donation = Donation.objects.get(payment=attempt)
    with translation.override("fr"):
        day = date_format(timezone.localtime(donation.occurred_at, PARIS), "j F Y")
    assert f"le {day}" in body
    assert body.rstrip().endswith(reverse("donations:home"))
    assert "http" in body.rstrip().rsplit(" ", 1)[-1]
    assert "&amp;" not in body and "&#x27;" not in body  # plain text, not HTML-escaped

    # The same event again, then another event about the same payment: nothing more is sent.
    with committed():
        assert provider.deliver(attempt, "evt_1", "payment_intent.succeeded") == "duplicate"
        assert provider.deliver(attempt, "evt_2", "charge.succeeded") == "unchanged"
    assert len(outbox) == 1


def test_card_receipt_without_match_or_fees_says_neither(
    employee_a, associations, provider, outbox, committed
):
    attempt = _attempt(employee_a, associations[1], provider, amount=1000)
    provider.set(attempt, PaymentState.SUCCEEDED)
    with committed():
        provider.deliver(attempt, "evt_1", "payment_intent.succeeded")
    (message,) = outbox
    assert fr(1000) in message.body
    assert fr(2000) not in message.body
    # Sent in the site's language (French): no fees paragraph, no match sentence.
    assert "frais" not in message.body and "sont devenus" not in message.body


def test_card_receipt_follows_the_site_language(
    settings, employee_a, associations, policy_now, provider, outbox, committed
):
    settings.LANGUAGE_CODE = "en"
    attempt = _attempt(employee_a, associations[0], provider, amount=2500)
    provider.set(attempt, PaymentState.SUCCEEDED)
    with committed():
        provider.deliver(attempt, "evt_1", "payment_intent.succeeded")
    (message,) = outbox
    assert f"your {en(2500)} became {en(5000)}" in message.body
    assert "Thank you for your gift to Les Restos" in message.subject


def test_failed_card_payment_sends_a_retry_link_once(
    employee_a, associations, provider, outbox, committed
):
    attempt = _attempt(employee_a, associations[1], provider, amount=4000)
    provider.set(attempt, PaymentState.FAILED, failure_message="Your card was declined.")
    with committed():
        assert provider.deliver(attempt, "evt_1", "payment_intent.payment_failed") == "failed"
    with committed():
        assert provider.deliver(attempt, "evt_2", "charge.failed") == "failed"
    (message,) = outbox
    assert message.to == [employee_a.user.email]
    assert fr(4000) in message.body and "Your card was declined." in message.body
    retry = f"{reverse('donations:card')}?association={associations[1].pk}"
    assert retry in message.body


def test_refund_sends_the_amount_and_the_reversed_match_once(
    employee_a, associations, policy_now, provider, outbox, committed
):
    attempt = _attempt(employee_a, associations[0], provider, amount=2500)
    provider.set(attempt, PaymentState.SUCCEEDED)
    with committed():
        provider.deliver(attempt, "evt_1", "payment_intent.succeeded")
    outbox.clear()
    provider.set(attempt, PaymentState.SUCCEEDED, refunded_cents=2500)
    with committed():
        assert provider.deliver(attempt, "evt_2", "charge.refunded") == "refunded"
    with committed():
        assert provider.deliver(attempt, "evt_3", "refund.updated") == "unchanged"
    (message,) = outbox
    assert "remboursé" in message.subject  # the site's language: French
    assert fr(2500) in message.body
    assert "L'abondement de" in message.body and "a été annulé" in message.body
    attempt.refresh_from_db()
    assert attempt.status == PaymentAttempt.Status.REFUNDED


def test_partial_refund_states_the_refunded_amount(
    employee_a, associations, provider, outbox, committed
):
    attempt = _attempt(employee_a, associations[0], provider, amount=5000)
    provider.set(attempt, PaymentState.SUCCEEDED)
    with committed():
        provider.deliver(attempt, "evt_1", "payment_intent.succeeded")
    outbox.clear()
    provider.set(attempt, PaymentState.SUCCEEDED, refunded_cents=1500)
    with committed():
        provider.deliver(attempt, "evt_2", "charge.refunded")
    (message,) = outbox
    assert fr(1500) in message.body and fr(5000) in message.body
    assert "abondement" not in message.body  # no match to reverse: no policy


def test_rolled_back_webhook_sends_nothing(employee_a, associations, provider, outbox, committed):
    attempt = _attempt(employee_a, associations[0], provider)
    provider.set(attempt, PaymentState.SUCCEEDED)
    with committed() as queued, pytest.raises(RuntimeError), transaction.atomic():
        assert provider.deliver(attempt, "evt_1", "payment_intent.succeeded") == "recorded"
        raise RuntimeError("the surrounding transaction fails")
    assert queued == [] and outbox == []
    assert not Donation.objects.filter(payment=attempt).exists()


def test_failure_e_mail_waits_for_an_immediate_retry(
    employee_a, associations, provider, committed, monkeypatch
):
    from donations import tasks

    calls = []
    monkeypatch.setattr(
        tasks.send_giving_email, "apply_async", lambda **kw: calls.append(kw["countdown"])
    )
    attempt = _attempt(employee_a, associations[1], provider)
    provider.set(attempt, PaymentState.FAILED)
    with committed():
        provider.deliver(attempt, "evt_1", "payment_intent.payment_failed")
    provider.set(attempt, PaymentState.SUCCEEDED)
    with committed():
        provider.deliver(attempt, "evt_2", "payment_intent.succeeded")
    assert calls == [notifications.DELAY_SECONDS["card_failed"], None]  # the receipt: at once


def test_message_overtaken_by_a_later_state_is_not_sent(
    employee_a, associations, provider, mailoutbox
):
    # The failure e-mail is rendered when the task runs: by then the payment went through.
    attempt = _attempt(employee_a, associations[0], provider)
    attempt.status = PaymentAttempt.Status.SUCCEEDED
    attempt.save()
    mailoutbox.clear()
    assert notifications.send(kind="card_failed", object_id=attempt.pk) == 0
    assert notifications.send(kind="card_succeeded", object_id=attempt.pk) == 0  # no donation
    assert mailoutbox == []


def test_suppressed_sends_nothing_and_restores(
    employee_a, associations, provider, outbox, committed
):
    attempt = _attempt(employee_a, associations[0], provider)
    provider.set(attempt, PaymentState.SUCCEEDED)
    with committed(), notifications.suppressed():
        with notifications.suppressed():
            pass
        provider.deliver(attempt, "evt_1", "payment_intent.succeeded")
    assert outbox == []
    other = _attempt(employee_a, associations[0], provider)
    provider.set(other, PaymentState.SUCCEEDED)
    with committed():
        provider.deliver(other, "evt_2", "payment_intent.succeeded")
    assert len(outbox) == 1


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="nope"):
        notifications.enqueue(kind="nope", object_id=1)


# Pledges


def _terms(associations, split, **fields):
    return PledgeTerms(
        allocations={a.pk: pct for a, pct in zip(associations, split, strict=False)}, **fields
    )


def test_pledge_created_changed_and_stopped_each_send_the_consent_record(
    settings, employee_a, round_up_a, outbox, committed
):
    settings.LANGUAGE_CODE = "en"
    with committed():
        pledge = pledge_for(employee_a, round_up_a, rule="round_5", split=(60, 40), cap=800)
    (created,) = outbox
    assert created.to == [employee_a.user.email]
    assert "recorded" in created.subject
    body = created.body
    assert "Round up to the next 5" in body
    assert f"Monthly cap: {en(800)}" in body
    assert "First month: March 2026" in body
    assert "- 60 % · Les Restos" in body and "- 40 % · Forêts Vives" in body
    assert f"text version {CONSENT_TEXT_VERSION}" in body
    assert f"{timezone.localtime(pledge.consented_at):%Y}" in body
    assert "I agree that my employer deducts this amount" in body
    assert "Alpha Industries" in body

    outbox.clear()
    terms = _terms(
        round_up_a, (100,), rule="fixed", fixed_amount_cents=1500, start_month=dt.date(2026, 5, 1)
    )
    with committed():
        change_pledge(profile=employee_a, terms=terms, consent=True, today=BEFORE_MONTH)
    (changed,) = outbox
    assert "changed" in changed.subject
    assert f"A fixed amount, {en(1500)}" in changed.body
    assert "Monthly cap: none" in changed.body
    assert "from the payroll of May 2026" in changed.body
    assert "- 100 % · Les Restos" in changed.body and "Forêts" not in changed.body

    outbox.clear()
    with committed():
        stop_pledge(profile=employee_a, today=dt.date(2026, 8, 10))
    (stopped,) = outbox
    assert "stopped" in stopped.subject
    assert "from the payroll of August 2026 on" in stopped.body
    assert "Last month: July 2026" in stopped.body
    assert "First month: May 2026" in stopped.body
    assert f"text version {CONSENT_TEXT_VERSION}" in stopped.body


def test_pledge_e_mail_is_in_the_site_language_not_the_callers(
    employee_a, round_up_a, outbox, committed
):
    # The test runs in English (conftest); the site's language is French.
    with committed():
        pledge_for(employee_a, round_up_a, cap=800)
    (message,) = outbox
    assert "mars 2026" in message.body
    assert fr(800) in message.body
    assert "J'accepte que mon employeur prélève ce montant" in message.body  # the consent wording


def test_refused_or_rolled_back_pledge_sends_nothing(employee_a, round_up_a, outbox, committed):
    with committed() as queued:
        with pytest.raises(RuntimeError), transaction.atomic():
            pledge_for(employee_a, round_up_a)
            raise RuntimeError("rolled back")
        with pytest.raises(InvalidPledge):
            pledge_for(employee_a, round_up_a, split=(50,))  # shares short of 100
    assert queued == [] and outbox == []


# Payroll runs


def _confirmed_run(company, month=MONTH, data=NET_PAY_FILE):
    run = open_payroll_run(company=company, month=month)
    import_net_pay(run=run, data=data)
    export_deductions(run=run)
    confirm_payroll_run(run=run)
    return run


def test_confirmed_run_sends_each_deducted_employee_their_figures(
    company_a, company_b, payroll_people, policy_a, round_up_b, outbox, committed
):
    e1, e2, e3 = payroll_people
    # Another company's pledger, with a run of their own that is exported, not confirmed.
    bob = make_employee(company_b, employee_number="E001", first_name="Bob")
    pledge_for(bob, round_up_b)
    run_b = open_payroll_run(company=company_b, month=MONTH)
    import_net_pay(run=run_b, data=b"matricule;net_a_payer\nE001;1 000,55\n")
    export_deductions(run=run_b)
    outbox.clear()

    with committed():
        run = _confirmed_run(company_a)
    by_recipient = {m.to[0]: m for m in outbox}
    # E003 has no pledge, Bob is another company's: neither hears of this run.
    assert set(by_recipient) == {e1.user.email, e2.user.email}
    assert e3.user.email not in by_recipient and bob.user.email not in by_recipient
    assert len(outbox) == 2

    eve = by_recipient[e1.user.email].body
    # 67 cents split 50/50 (34 + 33), each matched 1:1: 0,67 € became 1,34 €.
    assert "mars 2026" in by_recipient[e1.user.email].subject
    assert fr(67) in eve and fr(134) in eve and "abond" in eve
    assert f"- Les Restos: {fr(34)}" in eve and f"- Forêts Vives: {fr(33)}" in eve
    paul = by_recipient[e2.user.email].body
    assert f"- Les Restos: {fr(90)}" in paul and fr(180) in paul
    assert "Forêts" not in paul

    outbox.clear()
    with committed():
        assert confirm_payroll_run(run=run) == 0
    assert outbox == []


def test_run_without_matching_reports_no_match(company_a, payroll_people, outbox, committed):
    with committed():
        _confirmed_run(company_a)
    assert len(outbox) == 2
    assert all("sont devenus" not in m.body and "abond" not in m.body for m in outbox)


def test_suppressed_run_confirmation_sends_nothing(company_a, payroll_people, outbox, committed):
    with committed(), notifications.suppressed():
        _confirmed_run(company_a)
    assert outbox == []


def _pledgers(company, associations, count, start=1):
    people = []
    for i in range(start, start + count):
        person = make_employee(company, employee_number=f"P{i:03d}")
        pledge_for(person, associations, split=(50, 50))
        people.append(person)
    return people


def _pay_file(people) -> bytes:
    rows = "".join(f"{p.employee_number};2 000,{10 + i:02d}\n" for i, p in enumerate(people))
    return f"matricule;net_a_payer\n{rows}".encode()


def test_run_e_mails_take_the_same_queries_for_2_or_12_employees(
    company_a, round_up_a, policy_a, mailoutbox
):
    few = _pledgers(company_a, round_up_a, 2)
    many = few + _pledgers(company_a, round_up_a, 10, start=3)
    with notifications.suppressed():
        small = _confirmed_run(company_a, MONTH, _pay_file(few))
        large = _confirmed_run(company_a, dt.date(2026, 4, 1), _pay_file(many))
    mailoutbox.clear()
    with CaptureQueriesContext(connection) as small_queries:
        assert notifications.send_payroll_run(run_id=small.pk) == 2
    with CaptureQueriesContext(connection) as large_queries:
        assert notifications.send_payroll_run(run_id=large.pk) == 12
    assert len(large_queries) == len(small_queries)
    assert len(mailoutbox) == 14


def test_run_e_mails_are_read_in_chunks_each_employee_once(
    company_a, round_up_a, policy_a, mailoutbox, monkeypatch
):
    monkeypatch.setattr(notifications, "RUN_CHUNK", 2)
    people = _pledgers(company_a, round_up_a, 5)
    with notifications.suppressed():
        run = _confirmed_run(company_a, MONTH, _pay_file(people))
    mailoutbox.clear()
    with CaptureQueriesContext(connection) as queries:
        assert notifications.send_payroll_run(run_id=run.pk) == 5
    # The run, then per chunk of 2 lines: its lines, their donations and the resume mark; then
    # the empty chunk.
    assert len(queries) == 1 + 3 * 3 + 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.user.email for p in people)


def test_a_retried_run_task_resumes_after_the_last_chunk_sent(
    company_a, round_up_a, policy_a, mailoutbox, monkeypatch
):
    monkeypatch.setattr(notifications, "RUN_CHUNK", 2)
    people = _pledgers(company_a, round_up_a, 5)
    with notifications.suppressed():
        run = _confirmed_run(company_a, MONTH, _pay_file(people))
    mailoutbox.clear()
    real_message = notifications._message
    written = []

    def worker_dies_on_the_third(kind, profile, context, *, company):
        if len(written) == 2:
            raise ConnectionError("SMTP server went away")
        written.append(profile)
        return real_message(kind, profile, context, company=company)

    monkeypatch.setattr(notifications, "_message", worker_dies_on_the_third)
    with pytest.raises(ConnectionError):
        notifications.send_payroll_run(run_id=run.pk)
    assert len(mailoutbox) == 2
    # The task is retried: the first two are not written to again.
    monkeypatch.setattr(notifications, "_message", real_message)
    assert notifications.send_payroll_run(run_id=run.pk) == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.user.email for p in people)
    assert notifications.send_payroll_run(run_id=run.pk) == 0


def test_unconfirmed_run_sends_nothing(company_a, payroll_people, mailoutbox):
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    mailoutbox.clear()
    assert notifications.send_payroll_run(run_id=run.pk) == 0
    assert mailoutbox == []


# Demo data


def test_giving_demo_seeder_sends_no_mail(company_a, associations, outbox, committed):
    from donations.demo.giving import seed_company

    for i in range(3):
        make_employee(company_a, employee_number=f"D{i:03d}")
    make_employee(company_a, email="employee@alpha.example", employee_number="D100")
    outbox.clear()
    with committed():
        seed_company(company_a, associations)
    assert PaymentAttempt.objects.filter(company=company_a).exists()
    assert outbox == []


def test_association_title_saved_with_line_breaks_still_gives_a_one_line_subject(
    employee_a, associations, provider, outbox, committed
):
    # Titles are validated single-line when typed; one saved before that rule must not make
    # the receipt raise (BadHeaderError) nor spill into the body.
    association = associations[0]
    broken = "Les Restos\rBcc: someone@elsewhere.example\r\ndu coeur"
    Page.objects.filter(pk=association.pk).update(title=broken)
    attempt = _attempt(employee_a, association, provider)
    provider.set(attempt, PaymentState.SUCCEEDED)
    with committed():
        provider.deliver(attempt, "evt_1", "payment_intent.succeeded")
    (message,) = outbox
    assert message.subject.splitlines() == [message.subject]
    assert "Les Restos Bcc: someone@elsewhere.example du coeur" in message.subject
    assert message.bcc == [] and "Bcc" not in message.message()["Subject"].splitlines()[0][:4]
    assert message.body.splitlines()[0].endswith("Ana,")  # the greeting, whatever the language
