"""Campaigns: a company's giving drive (own dates, associations, goal, match terms) or
volunteering drive (a set of missions over a period, with a goal in hours).

A launched giving campaign overrides the standing `MatchingPolicy` for card gifts made to one of
its associations between its dates: they are matched at the campaign's ratio, within its
per-employee cap and its budget, and the `Match` records the campaign. Its row is the budget
lock of those matches, as the policy's row is for the others.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.models import CURRENCY_VALIDATOR


class Campaign(models.Model):
    class Kind(models.TextChoices):
        GIVING = "giving", _("Giving campaign")
        VOLUNTEERING = "volunteering", _("Volunteering campaign")

    company = models.ForeignKey(
        "portal.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="campaigns",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.GIVING)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    # Days on the company's clock, both included.
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    associations = models.ManyToManyField(
        "missions.AssociationPage",
        verbose_name=_("associations"),
        blank=True,
        related_name="+",
    )
    missions = models.ManyToManyField(
        "missions.MissionPage", verbose_name=_("missions"), blank=True, related_name="+"
    )
    goal_cents = models.BigIntegerField(_("goal (cents)"), null=True, blank=True)
    goal_hours = models.PositiveIntegerField(_("goal (hours)"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, validators=[CURRENCY_VALIDATOR])
    match_ratio_numerator = models.PositiveIntegerField(_("match ratio numerator"), default=1)
    match_ratio_denominator = models.PositiveIntegerField(_("match ratio denominator"), default=1)
    employee_cap_cents = models.BigIntegerField(_("match cap per employee (cents)"), default=0)
    match_budget_cents = models.BigIntegerField(_("match budget (cents)"), default=0)
    # Maintained under select_for_update of this row, and bounded by the budget in the database.
    match_spent_cents = models.BigIntegerField(
        _("matched so far (cents)"), default=0, editable=False
    )
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True, editable=False)
    # The launch e-mail goes out in chunks by profile id: a retried task resumes after this one.
    announced_through = models.BigIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="campaign_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(match_ratio_numerator__gt=0, match_ratio_denominator__gt=0),
                name="campaign_ratio_positive",
            ),
            models.CheckConstraint(
                condition=Q(employee_cap_cents__gte=0, match_budget_cents__gte=0),
                name="campaign_match_limits_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(
                    match_spent_cents__gte=0, match_spent_cents__lte=F("match_budget_cents")
                ),
                name="campaign_spent_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(goal_cents__isnull=True) | Q(goal_cents__gt=0),
                name="campaign_goal_positive",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["giving", "volunteering"]), name="campaign_kind_known"
            ),
        ]
        indexes = [models.Index(fields=["company", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_giving(self) -> bool:
        return self.kind == self.Kind.GIVING

    @property
    def is_launched(self) -> bool:
        return self.launched_at is not None

    @property
    def matches_gifts(self) -> bool:
        """A giving campaign with a match budget overrides the policy; one without leaves it."""
        return self.is_giving and self.match_budget_cents > 0

    def ratio_display(self) -> str:
        return f"{self.match_ratio_numerator}:{self.match_ratio_denominator}"

    def runs_on(self, day) -> bool:
        return self.is_launched and self.starts_on <= day <= self.ends_on
