"""Employees' own contributions: hours done with an association on their own time (declared,
then approved or refused in bulk) and associations proposed for the catalogue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from missions.exceptions import InvalidContribution, LeftCompany
from missions.models import (
    MAX_SELF_REPORTED_HOURS,
    MIN_SELF_REPORTED_HOURS,
    AssociationIndexPage,
    AssociationPage,
    AssociationProposal,
    SelfReportedHours,
)
from portal.calendar import company_today
from portal.inputs import single_line
from portal.mail import absolute, is_suppressed, language_of, subject_and_body
from portal.models import EmployeeProfile

# How far back hours may be declared: a year, so that last year's grants can still be computed.
REPORTING_WINDOW_DAYS = 366


# Self-reported hours --------------------------------------------------------------------------


def report_hours(
    *,
    employee: EmployeeProfile,
    association_id: int,
    done_on: dt.date,
    hours: Decimal | str,
    description: str,
) -> SelfReportedHours:
    """Declare hours done with an association outside any mission; they wait for approval."""
    today = company_today(employee.company)
    if not employee.employed_on(today):
        raise LeftCompany()
    association = AssociationPage.objects.accepting_gifts().filter(pk=association_id).first()
    if association is None:
        raise InvalidContribution(_("Choose an association of the catalogue."), field="association")
    if done_on > today:
        raise InvalidContribution(_("Hours cannot be declared in the future."), field="done_on")
    if done_on < today - dt.timedelta(days=REPORTING_WINDOW_DAYS):
        raise InvalidContribution(
            _("Hours more than a year old can no longer be declared."), field="done_on"
        )
    if not employee.employed_on(done_on):
        raise InvalidContribution(
            _("That day you were not an employee of the company."), field="done_on"
        )
    try:
        hours = Decimal(str(hours).replace(",", ".")).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise InvalidContribution(_("Enter a number of hours."), field="hours") from None
    if not MIN_SELF_REPORTED_HOURS <= hours <= MAX_SELF_REPORTED_HOURS:
        raise InvalidContribution(
            _("Declare between %(low)s and %(high)s hours a day.")
            % {"low": MIN_SELF_REPORTED_HOURS, "high": MAX_SELF_REPORTED_HOURS},
            field="hours",
        )
    description = " ".join((description or "").split())
    if not description:
        raise InvalidContribution(_("Say what you did."), field="description")
    with transaction.atomic():
        # The employee's row serialises their declarations, so the day's total holds.
        EmployeeProfile.objects.select_for_update().filter(pk=employee.pk).first()
        same_day = (
            SelfReportedHours.objects.filter(employee=employee, done_on=done_on)
            .exclude(status=SelfReportedHours.Status.REFUSED)
            .aggregate(total=Sum("hours"))["total"]
            or 0
        )
        if same_day + hours > MAX_SELF_REPORTED_HOURS:
            raise InvalidContribution(
                _("You have already declared %(hours)s hours that day.") % {"hours": same_day},
                field="hours",
            )
        return SelfReportedHours.objects.create(
            employee=employee,
            association=association,
            done_on=done_on,
            hours=hours,
            description=description[:500],
        )


def approve_self_reported(*, scope: QuerySet, ids: list[int], actor) -> int:
    """Approve the pending entries among `ids` that `scope` lets the actor decide; returns how many.

    `scope` is the caller's tenancy (a CSR officer's company, an association's own entries):
    an id outside it is ignored, as is an entry already decided.
    """
    return _decide(scope=scope, reasons=dict.fromkeys(ids, ""), approve=True, actor=actor)


def refuse_self_reported(*, scope: QuerySet, reasons: dict[int, str], actor) -> int:
    """Refuse the pending entries named in `reasons` (id -> reason); every one needs a reason."""
    return _decide(scope=scope, reasons=reasons, approve=False, actor=actor)


@transaction.atomic
def _decide(*, scope: QuerySet, reasons: dict[int, str], approve: bool, actor) -> int:
    now = timezone.now()
    entries = list(
        scope.select_for_update()
        .filter(pk__in=list(reasons), status=SelfReportedHours.Status.PENDING)
        .order_by("pk")
    )
    # Only the lines really refused need a reason (an id outside the scope is ignored anyway).
    if not approve and any(not " ".join((reasons[e.pk] or "").split()) for e in entries):
        raise InvalidContribution(_("Give a reason for each refusal."), field="reason")
    for entry in entries:
        entry.status = (
            SelfReportedHours.Status.APPROVED if approve else SelfReportedHours.Status.REFUSED
        )
        entry.refusal_reason = "" if approve else " ".join(reasons[entry.pk].split())[:300]
        entry.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        entry.decided_at = now
    SelfReportedHours.objects.bulk_update(
        entries, ["status", "refusal_reason", "decided_by", "decided_at"]
    )
    if not approve and entries and not is_suppressed():
        from missions import tasks

        ids = [entry.pk for entry in entries]
        transaction.on_commit(lambda: tasks.send_refused_hours_email.delay(entry_ids=ids))
    return len(entries)


def send_refused_hours(*, entry_ids: list[int]) -> int:
    """Tell each employee which of their declared hours were refused and why (one e-mail each)."""
    entries = (
        SelfReportedHours.objects.filter(pk__in=entry_ids, status=SelfReportedHours.Status.REFUSED)
        .select_related("employee__user", "association")
        .order_by("employee", "done_on", "pk")
    )
    by_employee: dict[int, list[SelfReportedHours]] = {}
    for entry in entries:
        by_employee.setdefault(entry.employee_id, []).append(entry)
    sent = 0
    for lines in by_employee.values():
        employee = lines[0].employee
        context = {
            "employee": employee,
            "entries": lines,
            "hours_url": absolute(reverse("missions:self_reported")),
        }
        with translation.override(language_of(employee)):
            text = render_to_string("emails/missions/self_reported_refused.txt", context)
        subject, body = subject_and_body(text)
        sent += EmailMultiAlternatives(subject, body, to=[employee.user.email]).send()
    return sent


# Association proposals ------------------------------------------------------------------------


def normalise_identifier(kind: str, value: str) -> str:
    """The identifier without spaces, upper case; raises InvalidContribution if malformed."""
    value = "".join((value or "").split()).upper()
    if kind == "rna":
        if not (len(value) == 10 and value[0] == "W" and value[1:].isdigit()):
            raise InvalidContribution(
                _("An RNA number is W followed by 9 digits (W123456789)."), field="identifier"
            )
    elif kind == "siren":
        if not (len(value) == 9 and value.isdigit()):
            raise InvalidContribution(_("A SIREN number is 9 digits."), field="identifier")
    else:
        raise InvalidContribution(_("Choose RNA or SIREN."), field="identifier_kind")
    return value


def propose_association(
    *,
    employee: EmployeeProfile,
    name: str,
    identifier_kind: str,
    identifier: str,
    reason: str,
    website: str = "",
) -> AssociationProposal:
    name = single_line(name or "").strip()
    if not name:
        raise InvalidContribution(_("Give the association's name."), field="name")
    identifier = normalise_identifier(identifier_kind, identifier)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidContribution(_("Say why you propose this association."), field="reason")
    if not employee.employed_on(company_today(employee.company)):
        raise LeftCompany()
    return AssociationProposal.objects.create(
        company=employee.company,
        proposed_by=employee,
        name=name[:200],
        identifier_kind=identifier_kind,
        identifier=identifier,
        website=website,
        reason=reason[:2000],
    )


@transaction.atomic
def accept_proposal(*, proposal: AssociationProposal, actor) -> AssociationProposal:
    """Bring the proposal into the catalogue: a draft association page (pending platform vetting)
    with its data, or the association already there under the same identifier."""
    proposal = AssociationProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != AssociationProposal.Status.PENDING:
        raise InvalidContribution(_("This proposal has already been decided."))
    association = AssociationPage.objects.filter(
        identifier_kind=proposal.identifier_kind, identifier=proposal.identifier
    ).first()
    if association is None:
        index = AssociationIndexPage.objects.get()
        base = slugify(proposal.name)[:60] or "association"
        association = AssociationPage(
            title=proposal.name,
            slug=f"{base}-{proposal.identifier.lower()}",
            legal_name=proposal.name,
            identifier_kind=proposal.identifier_kind,
            identifier=proposal.identifier,
            website=proposal.website,
            vetting_status=AssociationPage.Vetting.PENDING,
            live=False,
        )
        index.add_child(instance=association)
        association.save_revision(user=actor if getattr(actor, "is_authenticated", False) else None)
    proposal.status = AssociationProposal.Status.ACCEPTED
    proposal.association = association
    _decided(proposal, actor)
    return proposal


@transaction.atomic
def decline_proposal(*, proposal: AssociationProposal, reason: str, actor) -> AssociationProposal:
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidContribution(_("Say why the proposal is declined."), field="reason")
    proposal = AssociationProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != AssociationProposal.Status.PENDING:
        raise InvalidContribution(_("This proposal has already been decided."))
    proposal.status = AssociationProposal.Status.DECLINED
    proposal.decline_reason = reason[:300]
    _decided(proposal, actor)
    return proposal


def _decided(proposal: AssociationProposal, actor) -> None:
    proposal.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    proposal.decided_at = timezone.now()
    proposal.save()
    if proposal.proposed_by_id and not is_suppressed():
        from missions import tasks

        transaction.on_commit(lambda: tasks.send_proposal_email.delay(proposal_id=proposal.pk))


def send_proposal_decision(*, proposal_id: int) -> int:
    """Tell the proposer what became of their proposal, in their language."""
    proposal = (
        AssociationProposal.objects.select_related("proposed_by__user")
        .filter(pk=proposal_id)
        .exclude(status=AssociationProposal.Status.PENDING)
        .first()
    )
    if proposal is None or proposal.proposed_by is None:
        return 0
    employee = proposal.proposed_by
    context = {
        "proposal": proposal,
        "employee": employee,
        "proposals_url": absolute(reverse("missions:proposals")),
    }
    with translation.override(language_of(employee)):
        text = render_to_string("emails/missions/proposal_decided.txt", context)
    subject, body = subject_and_body(text)
    return EmailMultiAlternatives(subject, body, to=[employee.user.email]).send()
