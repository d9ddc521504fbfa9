"""Skills sponsorship as company gifts in kind: attended work-time hours valued at cost price.

Each attended enrolment in a skills-sponsorship mission on work time becomes one
`CompanyGift(kind="skills", nature="in_kind")`, valued by `skills_valuation_cents` (the person's
pay, capped at 3 x PSS, pro rata of the hours; the company's flat rate without pay data) on the
session's date. The first gift of an enrolment has the reference `skills:enrolment:<id>`; a gift
is never edited, so when the hours or the pay behind it change the gift is cancelled and a new
one recorded as `skills:enrolment:<id>:r<n>`. An enrolment no longer attended loses its gift.
Running the sync twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from donations.models import CompanyGift
from donations.services.company_gifts import cancel_company_gift, record_company_gift
from missions.models import Enrolment, EnrolmentStatus, MissionKind
from portal.calendar import company_date
from portal.models import Company
from portal.people.pay import MONTHLY_HOURS, monthly_cost, skills_valuation_cents

PREFIX = "skills:enrolment:"


@dataclass
class SyncResult:
    recorded: int = 0
    revalued: int = 0
    cancelled: int = 0
    unchanged: int = 0


def reference_of(enrolment_id: int, revision: int = 0) -> str:
    return f"{PREFIX}{enrolment_id}" + (f":r{revision}" if revision else "")


def _enrolment_of(reference: str) -> tuple[int, int]:
    rest = reference.removeprefix(PREFIX)
    eid, _sep, revision = rest.partition(":r")
    return int(eid), int(revision or 0)


def valuation_of(enrolment: Enrolment) -> tuple[int, dict]:
    """(amount in cents, what it was computed from) for one attended enrolment."""
    profile = enrolment.employee
    on = company_date(profile.company, enrolment.session.start)
    hours = Decimal(enrolment.hours or 0)
    amount = skills_valuation_cents(profile, hours=hours, on=on)
    cost = monthly_cost(profile, on)
    details: dict = {"hours": str(hours), "on": on.isoformat()}
    if cost is None:
        details.update(
            source="company_rate", hourly_rate_cents=profile.company.hourly_valuation_cents
        )
    else:
        details.update(
            source=cost.source,
            monthly_gross_cents=cost.gross_cents,
            monthly_contributions_cents=cost.contributions_cents,
            retained_monthly_cents=cost.retained_cents,
            capped=cost.is_capped,
            monthly_hours=str(MONTHLY_HOURS),
            rules=[r.as_dict() for r in cost.rules],
        )
    return amount, details


def _eligible(company: Company, start: dt.datetime | None, end: dt.datetime | None):
    enrolments = Enrolment.objects.filter(
        employee__company=company,
        status=EnrolmentStatus.ATTENDED,
        session__mission__kind=MissionKind.SKILLS_SPONSORSHIP,
        session__mission__on_work_time=True,
        hours__gt=0,
    )
    if start is not None:
        enrolments = enrolments.filter(session__start__gte=start)
    if end is not None:
        enrolments = enrolments.filter(session__start__lt=end)
    return enrolments


def sync_skills_sponsorship_gifts(
    *,
    company: Company,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    actor=None,
) -> SyncResult:
    """Bring the skills gifts in line with the attended hours of sessions in [start, end)."""
    result = SyncResult()
    eligible = {
        e.pk: e
        for e in _eligible(company, start, end).select_related(
            "employee__company", "session__mission__association"
        )
    }
    # Every active skills gift of the company (whatever the period: an enrolment whose session
    # moved out of it, or that is no longer attended, must lose its gift too).
    active: dict[int, CompanyGift] = {}
    revisions: dict[int, int] = {}
    for gift in CompanyGift.objects.filter(
        company=company, kind=CompanyGift.Kind.SKILLS_SPONSORSHIP
    ).filter(Q(source_reference__startswith=PREFIX)):
        eid, revision = _enrolment_of(gift.source_reference)
        revisions[eid] = max(revisions.get(eid, 0), revision)
        if gift.status == CompanyGift.Status.ACTIVE:
            active[eid] = gift
    for eid, gift in active.items():
        if eid in eligible:
            continue
        if start is not None or end is not None:
            # Outside the period asked for, an enrolment may still be attended: leave it.
            still = _eligible(company, None, None).filter(pk=eid).exists()
            if still:
                continue
        cancel_company_gift(gift=gift, reason="Enrolment no longer attended", actor=actor)
        result.cancelled += 1
    for eid, enrolment in eligible.items():
        amount, details = valuation_of(enrolment)
        gift = active.get(eid)
        if (
            gift is not None
            and gift.amount_cents == amount
            and gift.given_on.isoformat() == (details["on"])
        ):
            result.unchanged += 1
            continue
        if amount <= 0:
            continue
        with transaction.atomic():
            revision = 0
            if gift is not None:
                cancel_company_gift(
                    gift=gift, reason="Re-valued: hours or pay data changed", actor=actor
                )
                revision = revisions.get(eid, 0) + 1
            elif eid in revisions:
                revision = revisions[eid] + 1
            record_company_gift(
                company=company,
                association=enrolment.session.mission.association,
                kind=CompanyGift.Kind.SKILLS_SPONSORSHIP,
                nature=CompanyGift.Nature.IN_KIND,
                amount_cents=amount,
                given_on=dt.date.fromisoformat(details["on"]),
                source_reference=reference_of(eid, revision),
                employee=enrolment.employee,
                description=enrolment.session.mission.title,
                valuation=details,
                actor=actor,
            )
        if gift is not None:
            result.revalued += 1
        else:
            result.recorded += 1
    return result
