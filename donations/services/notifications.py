"""E-mails about money: queued after commit, rendered from the current state, in the reader's
language.

Card gifts (receipt note, failure, refund), pledges (the employee's record of their payroll
consent) and confirmed payroll runs (one message per employee with a deduction, sent by one task
per run that reads the run in chunks, never one query per employee).
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from donations.models import (
    CONSENT_TEXT_VERSION,
    Donation,
    Match,
    PaymentAttempt,
    PayrollLine,
    PayrollRun,
    Pledge,
)
from portal.calendar import add_months
from portal.mail import (  # noqa: F401 - suppressed is used by callers
    absolute,
    is_suppressed,
    language_of,
    subject_and_body,
    suppressed,
)
from portal.models import EmployeeProfile

# Each kind is a template under templates/emails/donations/: its first line is the subject.
CARD_KINDS = {"card_succeeded", "card_failed", "card_refunded"}
PLEDGE_KINDS = {"pledge_created", "pledge_changed", "pledge_stopped"}
RUN_KINDS = {"payroll_confirmed"}
# To the company's CSR officers, `object_id` is a Dispute.
DISPUTE_KINDS = {"dispute_opened", "dispute_closed"}
# To the employee, `object_id` is a LeaveDayRequest: HR's decision on their leave-day offer.
LEAVE_KINDS = {"leave_accepted", "leave_refused"}
KINDS = CARD_KINDS | PLEDGE_KINDS | RUN_KINDS | DISPUTE_KINDS | LEAVE_KINDS

# Payroll lines read (and e-mails handed to the mail connection) per round trip.
RUN_CHUNK = 500
# A declined card is often retried at once on the payment page: the failure e-mail waits, and
# is not sent if the payment went through meanwhile (it is rendered from the state then).
DELAY_SECONDS = {"card_failed": 15 * 60}


def enqueue(*, kind: str, object_id: int, amount_cents: int | None = None) -> None:
    """Send the e-mail once the current transaction commits (never for a rolled-back change).

    `object_id` is a PaymentAttempt for card kinds, a Pledge for pledge kinds, a PayrollRun for
    `payroll_confirmed`; `amount_cents` is the refunded amount of `card_refunded`.
    """
    if kind not in KINDS:
        raise ValueError(kind)
    if is_suppressed():
        return
    from donations import tasks

    if kind in RUN_KINDS:
        transaction.on_commit(lambda: tasks.send_payroll_run_emails.delay(run_id=object_id))
    else:
        transaction.on_commit(
            lambda: tasks.send_giving_email.apply_async(
                kwargs={"kind": kind, "object_id": object_id, "amount_cents": amount_cents},
                countdown=DELAY_SECONDS.get(kind),
            )
        )


def send(*, kind: str, object_id: int, amount_cents: int | None = None) -> int:
    """Render and send one card or pledge message; returns how many e-mails left."""
    if kind in CARD_KINDS:
        return _send_card(kind, object_id, amount_cents)
    if kind in PLEDGE_KINDS:
        return _send_pledge(kind, object_id)
    if kind in DISPUTE_KINDS:
        return _send_dispute(kind, object_id)
    if kind in LEAVE_KINDS:
        return _send_leave(kind, object_id)
    raise ValueError(kind)


def _send_leave(kind: str, request_id: int) -> int:
    from donations.models import LeaveDayRequest

    request = (
        LeaveDayRequest.objects.select_related("employee__user", "company", "association")
        .filter(pk=request_id)
        .first()
    )
    expected = "accepted" if kind == "leave_accepted" else "refused"
    if request is None or request.status != expected:
        return 0
    context = {
        **_common(request.employee),
        "request": request,
        "association": request.association,
        "currency": request.currency,
        "leave_url": absolute(reverse("donations:leave_days")),
    }
    return _send(kind, request.employee, context, company=request.company)


def _send_dispute(kind: str, dispute_id: int) -> int:
    """Tell each CSR officer of the company, in their own language."""
    from donations.models import Dispute

    dispute = (
        Dispute.objects.select_related("company", "donation__association", "donation__donor")
        .filter(pk=dispute_id)
        .first()
    )
    if dispute is None:
        return 0
    officers = EmployeeProfile.objects.filter(
        company=dispute.company, is_csr_officer=True, user__is_active=True
    ).select_related("user")
    context = {
        "dispute": dispute,
        "donation": dispute.donation,
        "association": dispute.donation.association,
        "currency": dispute.currency,
        "refunds_url": absolute(reverse("donations:rules_refunds")),
    }
    return sum(
        _send(kind, officer, {**context, "employee": officer}, company=dispute.company)
        for officer in officers
    )


def _common(profile: EmployeeProfile) -> dict:
    return {
        "employee": profile,
        "giving_url": absolute(reverse("donations:home")),
    }


def _send_card(kind: str, attempt_id: int, refunded_cents: int | None) -> int:
    attempt = (
        PaymentAttempt.objects.select_related("donor__user", "company", "association")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None:
        return 0
    donation = (
        Donation.objects.filter(payment=attempt, source=Donation.Source.CARD)
        .select_related("match")
        .first()
    )
    match = getattr(donation, "match", None) if donation else None
    # Rendered from the state now: a message whose cause was overtaken is not sent.
    if kind == "card_succeeded" and donation is None:
        return 0
    if kind == "card_failed" and attempt.status != PaymentAttempt.Status.FAILED:
        return 0
    if kind == "card_refunded" and (donation is None or donation.refunded_cents <= 0):
        return 0
    context = {
        **_common(attempt.donor),
        "attempt": attempt,
        "association": attempt.association,
        "currency": attempt.currency,
        "donation": donation,
        "active_match": match if match and match.status == Match.Status.ACTIVE else None,
        "reversed_match": match if match and match.status == Match.Status.REVERSED else None,
        "partly_reversed_match": match
        if match and match.status == Match.Status.ACTIVE and match.reversed_cents
        else None,
        "refunded_cents": refunded_cents or attempt.charged_cents,
        "retry_url": absolute(
            reverse("donations:card") + "?" + urlencode({"association": attempt.association_id})
        ),
    }
    if context["active_match"]:
        context["with_match_cents"] = donation.amount_cents + match.amount_cents
    return _send(kind, attempt.donor, context, company=attempt.company)


def _send_pledge(kind: str, pledge_id: int) -> int:
    pledge = (
        Pledge.objects.select_related("employee__user", "company")
        .prefetch_related("allocations__association")
        .filter(pk=pledge_id)
        .first()
    )
    if pledge is None:
        return 0
    if kind == "pledge_stopped" and pledge.stopped_at is None:
        return 0
    context = {
        **_common(pledge.employee),
        "pledge": pledge,
        "allocations": list(pledge.allocations.all()),
        "currency": pledge.currency,
        "consent_text": _consent_text(pledge.consent_text_version),
        # The last month deducted, when the pledge has an end and took at least one month.
        "last_month": (
            add_months(pledge.end_month, -1)
            if pledge.end_month and pledge.end_month > pledge.start_month
            else None
        ),
        "pledge_url": absolute(reverse("donations:pledge")),
    }
    return _send(kind, pledge.employee, context, company=pledge.company)


def _consent_text(version: str):
    """The wording the employee agreed to, when it is the current version's (the form's label,
    lazy: it is translated when the message is rendered in the reader's language)."""
    if version != CONSENT_TEXT_VERSION:
        return ""
    from donations.forms import PledgeForm

    return PledgeForm.base_fields["consent"].label


def send_payroll_run(*, run_id: int) -> int:
    """One message per employee with a deduction in a confirmed run; returns how many left.

    Reads the run's lines in chunks of RUN_CHUNK (two queries per chunk: the lines with their
    people, then their donations with the matches) and sends each chunk over one connection.
    """
    run = PayrollRun.objects.select_related("company").filter(pk=run_id).first()
    if run is None or run.status != PayrollRun.Status.CONFIRMED:
        return 0
    giving_url = absolute(reverse("donations:home"))
    lines = (
        PayrollLine.objects.filter(run=run, deduction_cents__gt=0, pledge__isnull=False)
        .select_related("employee__user")
        .order_by("pk")
    )
    sent = 0
    last = run.notified_through_line
    with mailers.default as connection:
        while True:
            chunk = list(lines.filter(pk__gt=last)[:RUN_CHUNK])
            if not chunk:
                break
            last = chunk[-1].pk
            gifts: dict[int, list[dict]] = defaultdict(list)
            for line_id, title, cents, match_cents, match_status in (
                Donation.objects.filter(
                    payroll_line_id__in=[line.pk for line in chunk],
                    source=Donation.Source.PAYROLL,
                )
                .order_by("payroll_line_id", "-amount_cents", "pk")
                .values_list(
                    "payroll_line_id",
                    "association__title",
                    "amount_cents",
                    "match__amount_cents",
                    "match__status",
                )
            ):
                matched = match_cents if match_status == Match.Status.ACTIVE else 0
                gifts[line_id].append(
                    {"association": title, "amount_cents": cents, "matched_cents": matched or 0}
                )
            messages = []
            for line in chunk:
                if not gifts.get(line.pk) or not line.employee.user.email:
                    continue
                matched = sum(g["matched_cents"] for g in gifts[line.pk])
                context = {
                    "employee": line.employee,
                    "giving_url": giving_url,
                    "run": run,
                    "currency": run.currency,
                    "deduction_cents": line.deduction_cents,
                    "gifts": gifts[line.pk],
                    "matched_cents": matched,
                    "total_cents": line.deduction_cents + matched,
                }
                messages.append(
                    _message("payroll_confirmed", line.employee, context, company=run.company)
                )
            sent += connection.send_messages(messages) or 0
            PayrollRun.objects.filter(pk=run.pk).update(notified_through_line=last)
    return sent


def enqueue_campaign_launch(*, campaign_id: int) -> None:
    if is_suppressed():
        return
    from donations import tasks

    transaction.on_commit(lambda: tasks.send_campaign_launch_emails.delay(campaign_id=campaign_id))


def send_campaign_launch(*, campaign_id: int) -> int:
    """Tell the company's employees (campaign news on, in post) of a launched campaign, each in
    their language; chunked by profile id and resumable, so a retried task sends no duplicate."""
    from donations.models import Campaign
    from donations.services.campaigns import recipients_filter
    from portal.calendar import company_today

    campaign = Campaign.objects.select_related("company").filter(pk=campaign_id).first()
    if campaign is None or not campaign.is_launched:
        return 0
    company = campaign.company
    people = (
        EmployeeProfile.objects.filter(recipients_filter(company, company_today(company)))
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )
    context = {
        "campaign": campaign,
        "currency": campaign.currency,
        "campaign_url": absolute(reverse("donations:campaign", kwargs={"pk": campaign.pk})),
    }
    sent = 0
    last = campaign.announced_through
    with mailers.default as connection:
        while chunk := list(people.filter(pk__gt=last)[:RUN_CHUNK]):
            last = chunk[-1].pk
            messages = [
                _message("campaign_launched", p, {**context, "employee": p}, company=company)
                for p in chunk
            ]
            sent += connection.send_messages(messages) or 0
            Campaign.objects.filter(pk=campaign.pk).update(announced_through=last)
    return sent


def _message(kind: str, profile: EmployeeProfile, context: dict, *, company) -> EmailMessage:
    # Dates in the company's time zone, words and amounts in the reader's language.
    with translation.override(language_of(profile)), timezone.override(company.time_zone):
        text = render_to_string(f"emails/donations/{kind}.txt", {**context, "company": company})
    subject, body = subject_and_body(text)
    return EmailMessage(subject, body, to=[profile.user.email])


def _send(kind: str, profile: EmployeeProfile, context: dict, *, company) -> int:
    if not profile.user.email:
        return 0
    return _message(kind, profile, context, company=company).send()
