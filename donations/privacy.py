"""What donations holds on a person: pledges and consents, payroll deductions, gifts, matches.

The donations contributor to `settings.CORDEE_PERSONAL_DATA`. Erasure keeps every money and tax
record (amounts, dates, references, payroll lines with their employee number, matches, the money
audit): the law asks the company and the associations to keep them. It stops an open pledge,
and is refused while money is in flight for the person.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.models import (
    AuditEntry,
    Dispute,
    Donation,
    DonorAddress,
    LeaveDayRequest,
    Match,
    PaymentAttempt,
    PayrollLine,
    PayrollRun,
    Pledge,
    Refund,
    TaxReceipt,
)
from donations.services.audit import log_action
from donations.services.pledges import next_open_month
from donations.services.statements import yearly_statement
from portal.models import EmployeeProfile

# A card payment started this recently may still succeed: the person waits for its outcome.
# An older one was abandoned (its webhook, if ever, still records the gift on the profile).
PAYMENT_IN_FLIGHT = dt.timedelta(days=2)


def _pledges(profile: EmployeeProfile) -> list[dict]:
    rows = []
    for pledge in (
        Pledge.objects.filter(employee=profile)
        .prefetch_related("allocations__association")
        .order_by("start_month", "pk")
    ):
        rows.append(
            {
                "id": pledge.pk,
                "rule": pledge.rule,
                "fixed_amount_cents": pledge.fixed_amount_cents,
                "monthly_cap_cents": pledge.monthly_cap_cents,
                "currency": pledge.currency,
                "start_month": pledge.start_month,
                "ends_before_month": pledge.end_month,
                "stopped_at": pledge.stopped_at,
                "allocations": "; ".join(
                    f"{a.association.title}: {a.percent} %" for a in pledge.allocations.all()
                ),
                "consent_text_version": pledge.consent_text_version,
                "consented_at": pledge.consented_at,
            }
        )
    return rows


def _statements(profile: EmployeeProfile) -> list[dict]:
    years = sorted(
        {
            d.year
            for d in Donation.objects.filter(donor=profile).values_list("occurred_at", flat=True)
        }
    )
    rows = []
    for year in years:
        statement = yearly_statement(profile=profile, year=year)
        for line in statement.lines:
            rows.append(
                {
                    "year": year,
                    "association": line.association,
                    "identifier": line.identifier,
                    "payroll_cents": line.payroll_cents,
                    "card_cents": line.card_cents,
                    "refunded_cents": line.refunded_cents,
                    "matched_cents": line.matched_cents,
                    "currency": statement.currency,
                }
            )
    return rows


def export(profile: EmployeeProfile) -> dict[str, list[dict]]:
    donations = list(
        Donation.objects.filter(donor=profile)
        .select_related("association", "payroll_line__run")
        .order_by("occurred_at", "pk")
    )
    attempts = list(
        PaymentAttempt.objects.filter(donor=profile)
        .select_related("association")
        .order_by("created_at", "pk")
    )
    pledge_ids = list(Pledge.objects.filter(employee=profile).values_list("pk", flat=True))
    leave_requests = list(
        LeaveDayRequest.objects.filter(employee=profile)
        .select_related("association")
        .order_by("requested_at", "pk")
    )
    money_objects = (
        Q(object_type="donations.pledge", object_id__in=[str(i) for i in pledge_ids])
        | Q(object_type="donations.donation", object_id__in=[str(d.pk) for d in donations])
        | Q(object_type="donations.paymentattempt", object_id__in=[str(a.pk) for a in attempts])
        | Q(
            object_type="donations.leavedayrequest",
            object_id__in=[str(r.pk) for r in leave_requests],
        )
    )
    return {
        "pledges": _pledges(profile),
        "payroll_deductions": [
            {
                "month": line.run.month,
                "employee_number": line.employee_number,
                "net_pay_cents": line.net_pay_cents,
                "deduction_cents": line.deduction_cents,
                "currency": line.run.currency,
                "run_status": line.run.status,
            }
            for line in PayrollLine.objects.filter(employee=profile)
            .select_related("run")
            .order_by("run__month", "pk")
        ],
        "donations": [
            {
                "id": d.pk,
                "occurred_at": d.occurred_at,
                "association": d.association.title,
                "amount_cents": d.amount_cents,
                "refunded_cents": d.refunded_cents,
                "currency": d.currency,
                "source": d.source,
                "status": d.status,
                "reference": d.external_reference,
            }
            for d in donations
        ],
        "card_payments": [
            {
                "id": a.pk,
                "created_at": a.created_at,
                "association": a.association.title,
                "gift_cents": a.amount_cents,
                "fees_covered_cents": a.fee_cents,
                "currency": a.currency,
                "status": a.status,
                "provider_reference": a.external_id or "",
            }
            for a in attempts
        ],
        "refunds": [
            {
                "donation": r.donation_id,
                "kind": r.kind,
                "amount_cents": r.amount_cents,
                "taken_from_gift_cents": r.gift_cents,
                "recorded_at": r.created_at,
            }
            for r in Refund.objects.filter(donation__donor=profile).order_by("created_at", "pk")
        ],
        "matches": [
            {
                "donation": m.donation_id,
                "association": m.association.title,
                "amount_cents": m.amount_cents,
                "reversed_cents": m.reversed_cents,
                "currency": m.currency,
                "status": m.status,
                "created_at": m.created_at,
            }
            for m in Match.objects.filter(employee=profile)
            .select_related("association")
            .order_by("created_at", "pk")
        ],
        "leave_day_donations": [
            {
                "id": r.pk,
                "association": r.association.title,
                "days": r.days,
                "kind": r.kind,
                "year": r.year,
                "status": r.status,
                "requested_at": r.requested_at,
                "decided_on": r.decided_on,
                "refusal_reason": r.refusal_reason,
                "amount_cents": r.amount_cents,
                "currency": r.currency,
            }
            for r in leave_requests
        ],
        # Statements are built on request (never stored): their lines, year by year.
        "statements": _statements(profile),
        "receipt_address": [
            {"street": a.street, "postcode": a.postcode, "city": a.city, "country": a.country}
            for a in DonorAddress.objects.filter(profile=profile)
        ],
        "tax_receipts": [
            {
                "reference": r.reference,
                "association": r.association.title,
                "year": r.year,
                "amount_cents": r.amount_cents,
                "currency": r.currency,
                "status": r.status,
                "issued_at": r.issued_at,
            }
            for r in TaxReceipt.objects.filter(donor=profile)
            .select_related("association")
            .order_by("year", "pk")
        ],
        "money_audit": [
            {
                "at": e.created_at,
                "action": e.action,
                "object": f"{e.object_type}#{e.object_id}",
                "by_yourself": e.actor_id == profile.user_id,
                "data": e.data,
            }
            for e in AuditEntry.objects.filter(Q(actor=profile.user_id) | money_objects).order_by(
                "created_at", "pk"
            )
        ],
        "vote_ballots": _ballots(profile),
    }


def _ballots(profile: EmployeeProfile) -> list[dict]:
    from donations.models import BallotChoice

    return [
        {
            "vote": row.ballot.vote.title,
            "association": row.association.title,
            "points": row.points,
            "cast_at": row.ballot.updated_at,
        }
        for row in BallotChoice.objects.filter(ballot__employee=profile)
        .select_related("ballot__vote", "association")
        .order_by("ballot__created_at", "pk")
    ]


def erasure_blockers(profile: EmployeeProfile) -> list[str]:
    reasons = []
    runs = (
        PayrollRun.objects.filter(lines__employee=profile)
        .exclude(status=PayrollRun.Status.CONFIRMED)
        .order_by("month")
        .distinct()
    )
    for run in runs:
        reasons.append(
            _(
                "The payroll round-up of %(month)s includes you and is not confirmed yet: it can "
                "be erased once the payroll team confirms it."
            )
            % {"month": run.month.strftime("%m/%Y")}
        )
    if PaymentAttempt.objects.filter(
        donor=profile,
        status__in=[PaymentAttempt.Status.CREATED, PaymentAttempt.Status.PENDING],
        created_at__gt=timezone.now() - PAYMENT_IN_FLIGHT,
    ).exists():
        reasons.append(
            _("A card payment of yours is still pending: wait for its outcome (up to two days).")
        )
    if Dispute.objects.filter(donation__donor=profile, status=Dispute.Status.OPEN).exists():
        reasons.append(
            _("A card payment of yours is disputed with the bank: wait for its outcome.")
        )
    return reasons


def _stop_open_pledge(profile: EmployeeProfile) -> int:
    pledge = Pledge.objects.select_for_update().filter(employee=profile, end_month=None).first()
    if pledge is None:
        return 0
    pledge.end_month = max(next_open_month(profile.company), pledge.start_month)
    pledge.stopped_at = timezone.now()
    pledge.save(update_fields=["end_month", "stopped_at", "updated_at"])
    log_action(
        action="pledge.stopped",
        obj=pledge,
        company=profile.company,
        data={"reason": "personal data erased"},
    )
    return 1


def _withdraw_leave_offers(profile: EmployeeProfile) -> int:
    """Offers HR has not decided yet are withdrawn; decided ones are payroll and tax records."""
    return LeaveDayRequest.objects.filter(
        employee=profile, status=LeaveDayRequest.Status.REQUESTED
    ).update(status=LeaveDayRequest.Status.WITHDRAWN, decided_at=timezone.now())


def erase(profile: EmployeeProfile) -> dict[str, int]:
    return {
        "pledges_stopped": _stop_open_pledge(profile),
        "leave_offers_withdrawn": _withdraw_leave_offers(profile),
        # Issued receipts keep the address they printed (tax records); the stored one goes.
        "receipt_address": DonorAddress.objects.filter(profile=profile).delete()[0],
        # The payment provider's one-time secrets and messages: not money records.
        "card_payment_details": PaymentAttempt.objects.filter(donor=profile)
        .filter(~Q(client_secret="") | ~Q(failure_message=""))
        .update(client_secret="", failure_message=""),
        # A closed vote keeps its counted results; the person's choices go.
        "vote_ballots": _delete_ballots(profile),
    }


def _delete_ballots(profile: EmployeeProfile) -> int:
    from donations.models import Ballot

    return Ballot.objects.filter(employee=profile).delete()[1].get("donations.Ballot", 0)
