"""The company's gifts decided with its staff: volunteer grants and staff votes on a budget."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import CURRENCY_VALIDATOR


class GrantPolicy(models.Model):
    """Volunteer grants of one fiscal year: X for every N hours an employee gives an association
    outside work time, within a yearly budget and a per-person cap. The row is the lock that
    keeps the budget and the caps while grants are computed."""

    company = models.ForeignKey(
        "portal.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="grant_policies",
    )
    year = models.PositiveSmallIntegerField(_("fiscal year"))
    hours_per_grant = models.PositiveSmallIntegerField(_("hours per grant"))
    amount_per_grant_cents = models.BigIntegerField(_("amount per grant (cents)"))
    yearly_budget_cents = models.BigIntegerField(_("yearly budget (cents)"))
    person_yearly_cap_cents = models.BigIntegerField(_("yearly cap per person (cents)"))
    currency = models.CharField(_("currency"), max_length=3, validators=[CURRENCY_VALIDATOR])
    is_active = models.BooleanField(_("active"), default=True)
    last_run_at = models.DateTimeField(_("last computed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("volunteer grant policy")
        verbose_name_plural = _("volunteer grant policies")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["company", "year"], name="grant_policy_one_per_year"),
            models.CheckConstraint(
                condition=Q(hours_per_grant__gte=1), name="grant_policy_hours_positive"
            ),
            models.CheckConstraint(
                condition=Q(amount_per_grant_cents__gt=0)
                & Q(yearly_budget_cents__gte=0)
                & Q(person_yearly_cap_cents__gte=0),
                name="grant_policy_amounts_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_id} · {self.year}"


class StaffVote(models.Model):
    """A budget the company shares between associations as its employees vote."""

    class Mode(models.TextChoices):
        ONE_CHOICE = "one", _("One choice per person")
        SPLIT_POINTS = "points", _("Split points")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    company = models.ForeignKey(
        "portal.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="staff_votes",
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    budget_cents = models.BigIntegerField(_("budget (cents)"))
    currency = models.CharField(_("currency"), max_length=3, validators=[CURRENCY_VALIDATOR])
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices)
    # Points each person shares in "split points" mode (1 in "one choice" mode).
    points = models.PositiveSmallIntegerField(_("points per person"), default=1)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    associations = models.ManyToManyField(
        "missions.AssociationPage", verbose_name=_("associations"), related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The points per association at closing and the shares of the budget (JSON-ready).
    results = models.JSONField(_("results"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("staff vote")
        verbose_name_plural = _("staff votes")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_cents__gt=0), name="staff_vote_budget_positive"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="staff_vote_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(points__gte=1), name="staff_vote_points_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class Ballot(models.Model):
    """One employee's ballot in one vote (changed in place until the vote closes)."""

    vote = models.ForeignKey(
        StaffVote, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="ballots"
    )
    employee = models.ForeignKey(
        "portal.EmployeeProfile",
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="ballots",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["vote", "employee"], name="ballot_one_per_employee")
        ]

    def __str__(self) -> str:
        return f"{self.vote_id} · {self.employee_id}"


class BallotChoice(models.Model):
    ballot = models.ForeignKey(
        Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="choices"
    )
    association = models.ForeignKey(
        "missions.AssociationPage",
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    points = models.PositiveSmallIntegerField(_("points"))

    class Meta:
        verbose_name = _("ballot choice")
        verbose_name_plural = _("ballot choices")
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "association"], name="ballot_choice_once_per_association"
            ),
            models.CheckConstraint(
                condition=Q(points__gte=1), name="ballot_choice_points_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id} · {self.association_id} · {self.points}"
