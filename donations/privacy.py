"""What donations holds on a person: pledges and consents, payroll deductions, gifts, matches.

The donations contributor to `settings.CORDEE_PERSONAL_DATA`. Erasure keeps every money and tax
record (amounts, dates, references, payroll lines with their employee number, matches, the money
audit): the law asks the company and the associations to keep them. It stops an open pledge,
and is refused while money is in flight for the person.
"""

from __future__ import annotations

import bisect
import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.models import (
    AuditEntry,
    CompanyGift,
    Disbursement,
    Dispute,
    Donation,
    DonorAddress,
    LeaveDayRequest,
    Match,
    PaymentAttempt,
    PayrollLine,
    PayrollRun,
    Pledge,
    ReceiptSettings,
    Refund,
    TaxReceipt,
)
from donations.services.audit import log_action
from donations.services.pledges import next_open_month
from donations.services.statements import yearly_statement
from portal.calendar import company_date
from portal.models import EmployeePay, EmployeeProfile

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
        # The company's gifts made of the person's time or leave days, with their valuation
        # (from the person's own pay when the company has it).
        "company_gifts_from_you": [
            {
                "kind": g.kind,
                "association": g.association.title,
                "given_on": g.given_on,
                "amount_cents": g.amount_cents,
                "currency": g.currency,
                "status": g.status,
                "description": g.description,
                "valuation": g.valuation,
            }
            for g in CompanyGift.objects.filter(employee=profile)
            .select_related("association")
            .order_by("given_on", "pk")
        ],
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


def _days_valued_on_pay(profile: EmployeeProfile) -> set[dt.date]:
    """The days a tax record of the company was, or will be, valued on the person's pay.

    Skills sponsorship gifts are valued at the pay in force on the session's day (and the sync
    re-values them whenever that pay changes: a deleted pay row would re-value a past gift at
    the flat rate and cancel the one declared); a leave-day gift at the pay on the day HR
    accepted it. Attended work-time skills enrolments count even before their gift is recorded.
    """
    from missions.models import Enrolment, EnrolmentStatus, MissionKind

    days = set(
        CompanyGift.objects.filter(employee=profile).values_list("given_on", flat=True).distinct()
    )
    days.update(
        LeaveDayRequest.objects.filter(employee=profile, decided_on__isnull=False)
        .values_list("decided_on", flat=True)
        .distinct()
    )
    for start in Enrolment.objects.filter(
        employee=profile,
        status=EnrolmentStatus.ATTENDED,
        session__mission__kind=MissionKind.SKILLS_SPONSORSHIP,
        session__mission__on_work_time=True,
        hours__gt=0,
    ).values_list("session__start", flat=True):
        days.add(company_date(profile.company, start))
    return days


def _erase_pay(profile: EmployeeProfile) -> int:
    """Delete the pay rows no tax record relies on; keep the others (see docs/privacy.md).

    A row is in force from its date to the next row's: it is kept when a valued day falls in
    that span. The kept rows are the basis of skills sponsorship valuations, which the company
    declares for its tax reduction (CGI 238 bis) and must be able to justify for 6 years
    (Livre des procédures fiscales L102 B).
    """
    rows = list(EmployeePay.objects.filter(profile=profile).order_by("valid_from"))
    if not rows:
        return 0
    starts = [row.valid_from for row in rows]
    kept = set()
    for day in _days_valued_on_pay(profile):
        index = bisect.bisect_right(starts, day) - 1
        if index >= 0:
            kept.add(rows[index].pk)
    return EmployeePay.objects.filter(profile=profile).exclude(pk__in=kept).delete()[0]


def erase(profile: EmployeeProfile) -> dict[str, int]:
    return {
        # portal's model, erased here: donations knows the tax records valued on it.
        "pay_rows": _erase_pay(profile),
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


# --- accounts without an employee profile: association members ----------------------------------


def export_account(user) -> dict[str, list[dict]]:
    """What an association member did with money: receipts issued or cancelled, transfers
    confirmed, the receipt delegation accepted (the donors are not named: their data)."""
    receipts = (
        TaxReceipt.objects.filter(Q(issued_by=user) | Q(cancelled_by=user))
        .select_related("association")
        .order_by("issued_at", "pk")
    )
    return {
        "receipts_handled": [
            {
                "reference": row.reference,
                "association": row.association.title,
                "year": row.year,
                "amount_cents": row.amount_cents,
                "currency": row.currency,
                "issued_by_you_at": row.issued_at if row.issued_by_id == user.pk else None,
                "cancelled_by_you_at": (
                    row.cancelled_at if row.cancelled_by_id == user.pk else None
                ),
            }
            for row in receipts
        ],
        "transfers_confirmed": [
            {
                "association": row.association.title,
                "amount_cents": row.amount_cents,
                "confirmed_at": row.received_at,
            }
            for row in Disbursement.objects.filter(received_by=user)
            .select_related("association")
            .order_by("received_at", "pk")
        ],
        "receipt_delegations_accepted": [
            {"association": row.association.title, "accepted_at": row.delegation_accepted_at}
            for row in ReceiptSettings.objects.filter(delegation_accepted_by=user)
            .select_related("association")
            .order_by("pk")
        ],
    }


def erase_account(user) -> dict[str, int]:
    """Nothing is deleted: receipts, transfers and delegations are tax and money records
    (Livre des procédures fiscales L102 B: 6 years); they keep their link to the account,
    whose name and e-mail the portal pseudonymises."""
    return {}


# Fields pointing to a person, and free texts, that the tables above cover (see contributors.py).
PERSON_FIELDS = {
    "donations.Pledge.employee": "pledges",
    "donations.PayrollLine.employee": "payroll_deductions",
    "donations.Donation.donor": "donations",
    "donations.PaymentAttempt.donor": "card_payments",
    "donations.PaymentAttempt.failure_message": "card_payments",
    "donations.Match.employee": "matches",
    "donations.LeaveDayRequest.employee": "leave_day_donations",
    "donations.LeaveDayRequest.refusal_reason": "leave_day_donations",
    "donations.DonorAddress.profile": "receipt_address",
    "donations.DonorAddress.street": "receipt_address",
    "donations.TaxReceipt.donor": "tax_receipts",
    "donations.TaxReceipt.issued_by": "receipts_handled",
    "donations.TaxReceipt.cancelled_by": "receipts_handled",
    "donations.AuditEntry.actor": "money_audit",
    "donations.Ballot.employee": "vote_ballots",
    "donations.CompanyGift.employee": "company_gifts_from_you",
    "donations.CompanyGift.description": "company_gifts_from_you",
    "donations.Disbursement.received_by": "transfers_confirmed",
    "donations.ReceiptSettings.delegation_accepted_by": "receipt_delegations_accepted",
}
NOT_EXPORTED = {
    # An officer's act on a company record; the money audit (exported as money_audit, with
    # by_yourself) records what they did, and the records stay with the company (tax records).
    "donations.Campaign.created_by": "an officer's act on a company record (money_audit)",
    "donations.StaffVote.created_by": "an officer's act on a company record (money_audit)",
    "donations.CompanyGift.created_by": "an officer's act on a company record (money_audit)",
    "donations.DisbursementBatch.created_by": "an officer's act on a company record (audit)",
    "donations.PayrollRun.confirmed_by": "a payroll officer's act on the company's payroll",
    "donations.CompanyFiscalYear.updated_by": "an officer's act on the company's fiscal year",
    "donations.LeaveDayRequest.decided_by": (
        "HR's decision on a colleague's request: that colleague's record (status exported)"
    ),
    # Free texts that are not a person's words.
    "donations.Campaign.description": "the company's content",
    "donations.StaffVote.description": "the company's content",
    "donations.CompanyGift.cancelled_reason": "why the company cancelled a gift (tax record)",
    "donations.PayrollRun.source_filename": "the payroll file's name (technical)",
    "donations.PaymentAttempt.client_secret": "a payment provider's secret: never exported",
    "donations.ReceiptSettings.object": "the association's legal data",
    "donations.TaxReceipt.cancelled_reason": "the association's reason (tax record)",
}
