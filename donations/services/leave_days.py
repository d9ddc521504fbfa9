"""Leave-day donation: offer, withdraw, accept (valued, recorded as a company gift) or refuse.

Rules (FISCAL.md, loi 2024-344 and D3142-82): at most N working days per employee and year (the
dated parameter `leave_days_per_year`), counting days waiting for HR and days accepted; only to
an eligible body (vetted, tax-receipt eligible); each day valued at the employee's pay for a
day on the date the employer accepts. The employee's profile row is locked while the days of
the year are counted, so two offers at once cannot pass the cap together.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.exceptions import LeaveDayError, LeaveDayLimitReached, MissingPayData
from donations.models import CompanyGift, LeaveDayRequest
from donations.selectors.leave_days import eligible_leave_associations, leave_days_counted
from donations.services import notifications
from donations.services.audit import log_action
from donations.services.company_gifts import record_company_gift
from portal.calendar import company_today
from portal.fiscal import FiscalKey, rule
from portal.models import EmployeeProfile
from portal.people.pay import MONTHLY_WORKING_DAYS, day_pay_cents, pay_on


def yearly_limit(on: dt.date) -> int:
    return rule(FiscalKey.LEAVE_DAYS_PER_YEAR, on).count


@transaction.atomic
def offer_leave_days(
    *, profile: EmployeeProfile, association_id: int, days: int, kind: str
) -> LeaveDayRequest:
    """Record an employee's offer; refused above the yearly cap or to an ineligible body."""
    if kind not in LeaveDayRequest.Kind.values:
        raise LeaveDayError(_("Choose the kind of days you give."))
    if days < 1:
        raise LeaveDayError(_("Give at least one working day."))
    association = eligible_leave_associations().filter(pk=association_id).first()
    if association is None:
        raise LeaveDayError(
            _(
                "This association cannot receive leave days: it must be vetted and eligible "
                "to tax receipts."
            )
        )
    # The guard of the yearly cap: one offer of this person at a time.
    profile = EmployeeProfile.objects.select_for_update().get(pk=profile.pk)
    today = company_today(profile.company)
    limit = yearly_limit(today)
    used = leave_days_counted(profile, today.year)
    if used + days > limit:
        raise LeaveDayLimitReached(
            _(
                "You may give at most %(limit)s working days a year (Code du travail D3142-82); "
                "%(used)s already offered or given in %(year)s, so %(left)s left."
            )
            % {"limit": limit, "used": used, "year": today.year, "left": max(limit - used, 0)}
        )
    request = LeaveDayRequest.objects.create(
        company=profile.company,
        employee=profile,
        association=association,
        days=days,
        kind=kind,
        year=today.year,
        currency=profile.company.currency,
    )
    log_action(
        action="leave_day.requested",
        obj=request,
        actor=profile.user,
        company=profile.company,
        data={"days": days, "kind": kind, "association": association.pk},
    )
    return request


def _locked(request_id: int, company) -> LeaveDayRequest:
    try:
        return (
            LeaveDayRequest.objects.select_for_update(of=("self",))
            .select_related("employee__company", "association")
            .get(pk=request_id, company=company)
        )
    except LeaveDayRequest.DoesNotExist as exc:
        raise LeaveDayError(_("This request does not exist.")) from exc


def _must_be_waiting(request: LeaveDayRequest) -> None:
    if request.status != LeaveDayRequest.Status.REQUESTED:
        raise LeaveDayError(
            _("This request is already %(status)s.")
            % {"status": request.get_status_display().lower()}
        )


@transaction.atomic
def withdraw_leave_request(*, profile: EmployeeProfile, request_id: int) -> LeaveDayRequest:
    """The employee takes back an offer HR has not decided yet."""
    request = _locked(request_id, profile.company)
    if request.employee_id != profile.pk:
        raise LeaveDayError(_("This request does not exist."))
    _must_be_waiting(request)
    request.status = LeaveDayRequest.Status.WITHDRAWN
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    log_action(
        action="leave_day.withdrawn", obj=request, actor=profile.user, company=profile.company
    )
    return request


def _check_officer(officer: EmployeeProfile, request: LeaveDayRequest) -> None:
    if not (officer.is_csr_officer or officer.is_payroll_officer):
        raise LeaveDayError(_("Only a CSR or payroll officer decides on leave days."))
    if request.employee_id == officer.pk:
        raise LeaveDayError(_("Another officer decides on your own leave days."))


@transaction.atomic
def accept_leave_request(*, officer: EmployeeProfile, request_id: int) -> LeaveDayRequest:
    """Accept: value each day at the employee's day pay today and record the company's gift."""
    request = _locked(request_id, officer.company)
    _check_officer(officer, request)
    _must_be_waiting(request)
    if not eligible_leave_associations().filter(pk=request.association_id).exists():
        raise LeaveDayError(
            _("%(association)s can no longer receive leave days (no longer vetted or eligible).")
            % {"association": request.association.title}
        )
    employee = request.employee
    on = company_today(officer.company)
    day_pay = day_pay_cents(employee, on)
    if day_pay is None:
        raise MissingPayData(
            _(
                "No pay is known for %(name)s on %(day)s: enter their pay grade or salary "
                "(people's pay) before accepting, so that each day can be valued."
            )
            % {"name": employee.display_name, "day": on.strftime("%d/%m/%Y")}
        )
    amount = day_pay * request.days
    pay_row = pay_on(employee, on)
    limit = rule(FiscalKey.LEAVE_DAYS_PER_YEAR, on)
    gift = record_company_gift(
        company=officer.company,
        association=request.association,
        kind=CompanyGift.Kind.LEAVE_DAY,
        nature=CompanyGift.Nature.CASH,
        amount_cents=amount,
        given_on=on,
        employee=employee,
        description=_("%(days)s leave day(s) given by %(name)s")
        % {"days": request.days, "name": employee.display_name},
        source_reference=f"leave:{request.pk}",
        valuation={
            "method": "day_pay",
            "days": request.days,
            "kind": request.kind,
            "day_pay_cents": day_pay,
            "monthly_working_days": str(MONTHLY_WORKING_DAYS),
            "pay_source": pay_row.source if pay_row else "",
            "pay_valid_from": pay_row.valid_from.isoformat() if pay_row else "",
            "valued_on": on.isoformat(),
            "rules": [limit.as_dict()],
        },
        actor=officer.user,
    )
    request.status = LeaveDayRequest.Status.ACCEPTED
    request.decided_at = timezone.now()
    request.decided_on = on
    request.decided_by = officer.user
    request.day_pay_cents = day_pay
    request.amount_cents = amount
    request.gift = gift
    request.save(
        update_fields=[
            "status",
            "decided_at",
            "decided_on",
            "decided_by",
            "day_pay_cents",
            "amount_cents",
            "gift",
        ]
    )
    log_action(
        action="leave_day.accepted",
        obj=request,
        actor=officer.user,
        company=officer.company,
        data={"days": request.days, "amount_cents": amount, "gift": gift.pk},
    )
    notifications.enqueue(kind="leave_accepted", object_id=request.pk)
    return request


@transaction.atomic
def refuse_leave_request(
    *, officer: EmployeeProfile, request_id: int, reason: str
) -> LeaveDayRequest:
    """Refuse with a reason (the employee reads it); the days are free again."""
    request = _locked(request_id, officer.company)
    _check_officer(officer, request)
    _must_be_waiting(request)
    if not reason.strip():
        raise LeaveDayError(_("Say why the request is refused: the employee reads it."))
    request.status = LeaveDayRequest.Status.REFUSED
    request.refusal_reason = reason.strip()[:250]
    request.decided_at = timezone.now()
    request.decided_on = company_today(officer.company)
    request.decided_by = officer.user
    request.save(
        update_fields=["status", "refusal_reason", "decided_at", "decided_on", "decided_by"]
    )
    log_action(
        action="leave_day.refused",
        obj=request,
        actor=officer.user,
        company=officer.company,
        data={"reason": request.refusal_reason},
    )
    notifications.enqueue(kind="leave_refused", object_id=request.pk)
    return request
