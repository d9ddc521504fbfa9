"""Staff votes: a CSR officer opens a vote on a budget, each employee casts one ballot (which
they may change until the vote closes), and closing shares the budget by points as company gifts.

Ballots may change until the close because results are hidden until then: changing one's mind
gives no tactical edge, and a mistaken click is not final. The unique (vote, employee)
constraint keeps one ballot per person; the vote row is locked while a ballot is written and
while the vote closes, so no ballot lands after the count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.exceptions import GivingError
from donations.models import Ballot, BallotChoice, CompanyGift, StaffVote
from donations.services.audit import log_action
from donations.services.company_gifts import record_company_gift
from missions.models import AssociationPage
from portal.calendar import company_date, company_today
from portal.models import Company, EmployeeProfile

MAX_POINTS = 1000


class VoteError(GivingError):
    """A vote or ballot that breaks a rule; `field` names the input at fault, if one is."""

    def __init__(self, message: str, *, field: str | None = None):
        self.field = field
        super().__init__(message)


def share_budget(budget_cents: int, points: dict[int, int]) -> dict[int, int]:
    """Share `budget_cents` in proportion to `points` so that the shares add up to the budget.

    Largest remainder method: each association gets the floor of its exact share, and the cents
    left go one each to the largest remainders; ties go to more points, then to the lower id
    (deterministic). No points at all: nothing is shared.
    """
    points = {key: value for key, value in points.items() if value > 0}
    total = sum(points.values())
    if budget_cents <= 0 or total == 0:
        return {}
    shares = {key: budget_cents * value // total for key, value in points.items()}
    left = budget_cents - sum(shares.values())
    order = sorted(
        points, key=lambda key: (-(budget_cents * points[key] % total), -points[key], key)
    )
    for key in order[:left]:
        shares[key] += 1
    return shares


def is_open(vote: StaffVote, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return vote.status == StaffVote.Status.OPEN and vote.opens_at <= now < vote.closes_at


@transaction.atomic
def open_vote(
    *,
    company: Company,
    title: str,
    budget_cents: int,
    mode: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    association_ids: Iterable[int],
    points: int = 1,
    description: str = "",
    actor=None,
) -> StaffVote:
    title = " ".join((title or "").split())
    if not title:
        raise VoteError(_("Give the vote a title."), field="title")
    if budget_cents <= 0:
        raise VoteError(_("The budget is a positive amount."), field="budget")
    if mode not in StaffVote.Mode.values:
        raise VoteError(_("Choose how people vote."), field="mode")
    if mode == StaffVote.Mode.ONE_CHOICE:
        points = 1
    elif not 2 <= points <= MAX_POINTS:
        raise VoteError(
            _("Each person shares between 2 and %(max)s points.") % {"max": MAX_POINTS},
            field="points",
        )
    if closes_at <= opens_at:
        raise VoteError(_("The vote closes after it opens."), field="closes_at")
    if closes_at <= timezone.now():
        raise VoteError(_("The closing date is already past."), field="closes_at")
    ids = set(association_ids)
    associations = list(AssociationPage.objects.accepting_gifts().filter(pk__in=ids))
    if len(associations) != len(ids):
        raise VoteError(_("Choose associations of the catalogue."), field="associations")
    if len(associations) < 2:
        raise VoteError(_("A vote needs at least two associations."), field="associations")
    vote = StaffVote.objects.create(
        company=company,
        title=title[:150],
        description=(description or "").strip()[:2000],
        budget_cents=budget_cents,
        currency=company.currency,
        mode=mode,
        points=points,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    vote.associations.set(associations)
    log_action(
        action="staff_vote.opened",
        obj=vote,
        actor=actor,
        company=company,
        data={"budget_cents": budget_cents, "associations": sorted(ids), "mode": mode},
    )
    return vote


@transaction.atomic
def cast_ballot(*, vote_id: int, employee: EmployeeProfile, allocations: dict[int, int]) -> Ballot:
    """Write (or replace) the employee's ballot: association id -> points."""
    vote = (
        StaffVote.objects.select_for_update().filter(pk=vote_id, company=employee.company).first()
    )
    if vote is None:
        raise VoteError(_("This vote does not exist."))
    if not is_open(vote):
        raise VoteError(_("This vote is not open."))
    if not employee.employed_on(company_today(employee.company)):
        raise VoteError(_("Only the company's current employees vote."))
    allowed = set(vote.associations.values_list("pk", flat=True))
    chosen = {int(key): int(value) for key, value in allocations.items() if int(value) != 0}
    if any(value < 0 for value in chosen.values()):
        raise VoteError(_("Points cannot be negative."), field="points")
    if not set(chosen) <= allowed:
        raise VoteError(_("Choose among the vote's associations."))
    if vote.mode == StaffVote.Mode.ONE_CHOICE:
        if len(chosen) != 1:
            raise VoteError(_("Choose one association."))
        chosen = {next(iter(chosen)): 1}
    elif sum(chosen.values()) != vote.points:
        raise VoteError(
            _("Share exactly %(points)s points (you gave %(given)s).")
            % {"points": vote.points, "given": sum(chosen.values())},
            field="points",
        )
    ballot, _created = Ballot.objects.get_or_create(vote=vote, employee=employee)
    ballot.choices.all().delete()
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, association_id=key, points=value)
        for key, value in sorted(chosen.items())
    )
    ballot.save(update_fields=["updated_at"])
    return ballot


def tally(vote: StaffVote) -> dict[int, int]:
    """Points per association id, over every ballot of the vote."""
    rows = (
        BallotChoice.objects.filter(ballot__vote=vote)
        .values("association")
        .annotate(total=Sum("points"))
        .order_by()
    )
    return {row["association"]: row["total"] for row in rows}


@transaction.atomic
def close_vote(*, vote_id: int, actor=None) -> StaffVote:
    """Count the ballots and give each association its share of the budget (idempotent: a closed
    vote is returned as it is, and each share's source reference is recorded once)."""
    vote = StaffVote.objects.select_for_update().select_related("company").get(pk=vote_id)
    if vote.status == StaffVote.Status.CLOSED:
        return vote
    now = timezone.now()
    points = tally(vote)
    shares = share_budget(vote.budget_cents, points)
    associations = {a.pk: a for a in vote.associations.all()}
    given_on = company_date(vote.company, min(now, vote.closes_at))
    for association_id, amount in sorted(shares.items()):
        if amount <= 0:
            continue
        record_company_gift(
            company=vote.company,
            association=associations[association_id],
            kind=CompanyGift.Kind.VOTE_SHARE,
            amount_cents=amount,
            given_on=given_on,
            source_reference=f"vote:{vote.pk}:{association_id}",
            description=_("Staff vote: %(title)s") % {"title": vote.title},
            valuation={
                "vote": vote.pk,
                "points": points[association_id],
                "total_points": sum(points.values()),
                "budget_cents": vote.budget_cents,
            },
            actor=actor,
        )
    vote.results = {
        "ballots": vote.ballots.count(),
        "total_points": sum(points.values()),
        "rows": [
            {
                "association": pk,
                "name": associations[pk].title,
                "points": points.get(pk, 0),
                "amount_cents": shares.get(pk, 0),
            }
            for pk in sorted(
                associations, key=lambda pk: (-points.get(pk, 0), associations[pk].title)
            )
        ],
    }
    vote.status = StaffVote.Status.CLOSED
    vote.closed_at = now
    if vote.closes_at > now:  # closed early by an officer: the vote ends now
        vote.closes_at = max(now, vote.opens_at + dt.timedelta(seconds=1))
    vote.save(update_fields=["results", "status", "closed_at", "closes_at"])
    log_action(
        action="staff_vote.closed",
        obj=vote,
        actor=actor,
        company=vote.company,
        data={"shares": {str(k): v for k, v in shares.items()}},
    )
    return vote


def close_due_votes() -> int:
    """The beat task's work: close every open vote whose end has come."""
    due = StaffVote.objects.filter(status=StaffVote.Status.OPEN, closes_at__lte=timezone.now())
    closed = 0
    for pk in due.values_list("pk", flat=True):
        close_vote(vote_id=pk)
        closed += 1
    return closed
