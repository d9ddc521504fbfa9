"""French fiscal rules as dated data: every rate, ceiling and cap with its legal reference.

A figure that depends on the law (66 %, the 75 % ceiling, the company cap, the monthly PSS, the
yearly cap on leave-day donation…) is read here for the day it applies to, never from a
constant, and whatever shows the figure names the parameter it used (`Rule.reference`).
The platform admin edits the table; a change is a new row with its `valid_from`, never an edit
of a past value, so a statement or ledger of last year reads what applied last year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    PERCENT = "percent", _("per cent")
    CENTS = "cents", _("euro cents")
    COUNT = "count", _("number")


class FiscalKey(models.TextChoices):
    """What a parameter is; its unit is in `UNITS`."""

    INDIVIDUAL_RATE = "individual_rate", _("Individuals: reduction rate (CGI art. 200)")
    INDIVIDUAL_HELPING_RATE = (
        "individual_helping_rate",
        _("Individuals: rate for help to people in difficulty (75 %)"),
    )
    INDIVIDUAL_HELPING_CEILING = (
        "individual_helping_ceiling",
        # xgettext:no-python-format
        _("Individuals: yearly ceiling of the 75 % rate"),
    )
    INDIVIDUAL_INCOME_LIMIT = (
        "individual_income_limit",
        _("Individuals: gifts retained up to this share of taxable income"),
    )
    INDIVIDUAL_CARRY_FORWARD_YEARS = (
        "individual_carry_forward_years",
        _("Individuals: years the excess carries forward"),
    )
    COMPANY_RATE = "company_rate", _("Companies: reduction rate (CGI art. 238 bis)")
    COMPANY_RATE_ABOVE_THRESHOLD = (
        "company_rate_above_threshold",
        _("Companies: reduction rate above the threshold"),
    )
    COMPANY_RATE_THRESHOLD = (
        "company_rate_threshold",
        _("Companies: yearly gifts taxed at the full rate up to"),
    )
    COMPANY_CAP_FLOOR = "company_cap_floor", _("Companies: cap, fixed amount")
    COMPANY_CAP_TURNOVER_RATE = (
        "company_cap_turnover_rate",
        _("Companies: cap, share of turnover excluding tax"),
    )
    COMPANY_CARRY_FORWARD_YEARS = (
        "company_carry_forward_years",
        _("Companies: years the excess carries forward"),
    )
    COMPANY_BENEFICIARY_LIST_THRESHOLD = (
        "company_beneficiary_list_threshold",
        _("Companies: yearly gifts above which form 2069-RCI lists each beneficiary"),
    )
    PSS_MONTHLY = "pss_monthly", _("Monthly social-security ceiling (PSS)")
    SKILLS_SALARY_CAP_PSS = (
        "skills_salary_cap_pss",
        _("Skills sponsorship: salary retained up to this many monthly PSS"),
    )
    LEAVE_DAYS_PER_YEAR = (
        "leave_days_per_year",
        _("Leave-day donation: working days per employee and year"),
    )


UNITS: dict[str, str] = {
    FiscalKey.INDIVIDUAL_RATE: Unit.PERCENT,
    FiscalKey.INDIVIDUAL_HELPING_RATE: Unit.PERCENT,
    FiscalKey.INDIVIDUAL_HELPING_CEILING: Unit.CENTS,
    FiscalKey.INDIVIDUAL_INCOME_LIMIT: Unit.PERCENT,
    FiscalKey.INDIVIDUAL_CARRY_FORWARD_YEARS: Unit.COUNT,
    FiscalKey.COMPANY_RATE: Unit.PERCENT,
    FiscalKey.COMPANY_RATE_ABOVE_THRESHOLD: Unit.PERCENT,
    FiscalKey.COMPANY_RATE_THRESHOLD: Unit.CENTS,
    FiscalKey.COMPANY_CAP_FLOOR: Unit.CENTS,
    FiscalKey.COMPANY_CAP_TURNOVER_RATE: Unit.PERCENT,
    FiscalKey.COMPANY_CARRY_FORWARD_YEARS: Unit.COUNT,
    FiscalKey.COMPANY_BENEFICIARY_LIST_THRESHOLD: Unit.CENTS,
    FiscalKey.PSS_MONTHLY: Unit.CENTS,
    FiscalKey.SKILLS_SALARY_CAP_PSS: Unit.COUNT,
    FiscalKey.LEAVE_DAYS_PER_YEAR: Unit.COUNT,
}


class FiscalParameter(models.Model):
    """One value of one rule from a date on, with the text it comes from."""

    key = models.CharField(
        _("rule"),
        max_length=60,
        choices=FiscalKey.choices,
        help_text=_("Which rate, ceiling or cap this value is for."),
    )
    valid_from = models.DateField(
        _("applies from"),
        help_text=_("The first day the value applies (a gift's date, a fiscal year's end)."),
    )
    value = models.DecimalField(
        _("value"),
        max_digits=16,
        decimal_places=4,
        help_text=_("Per cent as 66 (not 0.66); amounts in euro cents; numbers as they are."),
    )
    reference = models.CharField(
        _("legal reference"),
        max_length=200,
        help_text=_("The article, decree or BOFiP page the value comes from."),
    )
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("What is uncertain, or how the value combines with the previous one."),
    )
    is_verified = models.BooleanField(
        _("verified in a primary text"),
        default=True,
        help_text=_("Unticked: the value comes from a secondary source and is shown as such."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "portal"
        verbose_name = _("fiscal parameter")
        verbose_name_plural = _("fiscal parameters")
        ordering = ["key", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "valid_from"], name="fiscal_parameter_once"),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="fiscal_parameter_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()} · {self.valid_from:%Y-%m-%d}"

    @property
    def unit(self) -> str:
        return UNITS[self.key]

    def display_value(self) -> str:
        """The value in its unit, for the admin list ("66 %", "2 000,00 €", "3")."""
        from portal.templatetags.portal_tags import fiscal_value

        return fiscal_value(self)

    def clean(self) -> None:
        super().clean()
        if self.key in UNITS and UNITS[self.key] == Unit.PERCENT and self.value > 100:
            raise ValidationError({"value": _("A percentage is at most 100.")})
        whole = self.key in UNITS and UNITS[self.key] in (Unit.CENTS, Unit.COUNT)
        if whole and self.value != self.value.to_integral_value():
            raise ValidationError({"value": _("This rule takes a whole number.")})


class MissingFiscalRule(LookupError):
    """No value of a rule applies on the day asked: the table needs a row."""


@dataclass(frozen=True)
class Rule:
    """The value of one rule on one day, with where it comes from (for display)."""

    key: str
    value: Decimal
    valid_from: dt.date
    reference: str
    note: str
    is_verified: bool
    pk: int

    @property
    def unit(self) -> str:
        return UNITS[self.key]

    @property
    def label(self) -> str:
        return str(FiscalKey(self.key).label)

    @property
    def cents(self) -> int:
        """The value of an amount rule, in cents."""
        return int(self.value)

    @property
    def count(self) -> int:
        return int(self.value)

    @property
    def fraction(self) -> Decimal:
        """A percentage as a fraction: 66 → Decimal('0.66')."""
        return self.value / 100

    def apply_rate(self, cents: int) -> int:
        """`cents` x this percentage, rounded half up to the cent (as the tax forms do)."""
        return int((Decimal(cents) * self.value / 100).to_integral_value(rounding="ROUND_HALF_UP"))

    def as_dict(self) -> dict:
        """What a stored statement or ledger snapshot records of the rule it applied."""
        return {
            "key": self.key,
            "value": str(self.value),
            "valid_from": self.valid_from.isoformat(),
            "reference": self.reference,
            "verified": self.is_verified,
        }


def _as_rule(row: FiscalParameter) -> Rule:
    return Rule(
        key=row.key,
        value=row.value,
        valid_from=row.valid_from,
        reference=row.reference,
        note=row.note,
        is_verified=row.is_verified,
        pk=row.pk,
    )


def rule(key: str, on: dt.date) -> Rule:
    """The value of `key` that applies on `on` (the latest row from on or before that day)."""
    row = (
        FiscalParameter.objects.filter(key=key, valid_from__lte=on).order_by("-valid_from").first()
    )
    if row is None:
        raise MissingFiscalRule(f"No fiscal parameter {key!r} applies on {on.isoformat()}.")
    return _as_rule(row)


def rules_between(key: str, start: dt.date, end: dt.date) -> list[Rule]:
    """Every value of `key` that applies on some day of [start, end], oldest first.

    A yearly statement whose year saw a change (the 75 % ceiling on 14 Oct 2025) names each.
    """
    rows = list(FiscalParameter.objects.filter(key=key, valid_from__lte=end).order_by("valid_from"))
    applying = [
        r for i, r in enumerate(rows) if i + 1 == len(rows) or rows[i + 1].valid_from > start
    ]
    if not applying:
        raise MissingFiscalRule(f"No fiscal parameter {key!r} applies between {start} and {end}.")
    return [_as_rule(r) for r in applying]
