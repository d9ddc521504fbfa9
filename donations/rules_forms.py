"""Forms of the CSR officers' giving rules: they parse; `services.rules` checks the rules."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donations.forms import EurosField
from donations.models import GivingSettings, MatchingPolicy
from donations.services.rules import MAX_RATIO_TERM, PolicyTerms
from portal.inputs import validate_date_in_range
from portal.money import cents_to_decimal

SOURCE_PAYROLL = "payroll"
SOURCE_CARD = "card"


class MatchingPolicyForm(forms.Form):
    ratio_numerator = forms.IntegerField(
        label=_("Company gives"),
        min_value=1,
        max_value=MAX_RATIO_TERM,
        initial=1,
        help_text=_("For 2:1, the company gives 2 for every 1 an employee gives."),
    )
    ratio_denominator = forms.IntegerField(
        label=_("For every"), min_value=1, max_value=MAX_RATIO_TERM, initial=1
    )
    employee_cap = EurosField(
        help_text=_("The most one employee's gifts can be matched over the whole period.")
    )
    budget = EurosField(help_text=_("The most the company matches over the whole period."))
    sources = forms.MultipleChoiceField(
        label=_("Gifts matched"),
        choices=[
            (SOURCE_PAYROLL, _("Payroll round-up")),
            (SOURCE_CARD, _("Card donations")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=[SOURCE_PAYROLL, SOURCE_CARD],
    )
    causes = forms.TypedMultipleChoiceField(
        label=_("Only associations serving these causes"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every cause."),
    )
    associations = forms.TypedMultipleChoiceField(
        label=_("Only these associations"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "None ticked: every association. With causes and associations both ticked, "
            "a gift must meet both."
        ),
    )
    period_start = forms.DateField(
        label=_("First day"),
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_end = forms.DateField(
        label=_("Ends before (first day no longer covered)"),
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For the year 2027: from 01/01/2027, ends before 01/01/2028."),
    )

    def __init__(
        self,
        *args,
        currency: str,
        causes=(),
        associations=(),
        policy=None,
        latest_end: dt.date | None = None,
        **kwargs,
    ):
        if policy is not None:
            kwargs.setdefault("initial", initial_from_policy(policy))
        else:
            kwargs.setdefault("initial", default_period(latest_end))
        super().__init__(*args, **kwargs)
        self.fields["employee_cap"].label = _("Cap per employee (%(currency)s)") % {
            "currency": currency
        }
        self.fields["budget"].label = _("Company budget (%(currency)s)") % {"currency": currency}
        self.fields["causes"].choices = [(c.pk, c.name) for c in causes]
        self.fields["associations"].choices = [(a.pk, a.title) for a in associations]

    def terms(self) -> PolicyTerms:
        data = self.cleaned_data
        return PolicyTerms(
            ratio_numerator=data["ratio_numerator"],
            ratio_denominator=data["ratio_denominator"],
            employee_cap_cents=data["employee_cap"],
            budget_cents=data["budget"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            match_payroll=SOURCE_PAYROLL in data["sources"],
            match_card=SOURCE_CARD in data["sources"],
            cause_ids=frozenset(data["causes"]),
            association_ids=frozenset(data["associations"]),
        )


def default_period(after: dt.date | None = None) -> dict:
    """This calendar year, or the year following the latest policy if it ends later."""
    start = dt.date(timezone.localdate().year, 1, 1)
    if after is not None and after > start:
        start = after
    try:
        end = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        end = dt.date(start.year + 1, 3, 1)
    return {"period_start": start, "period_end": end}


def initial_from_policy(policy: MatchingPolicy) -> dict:
    return {
        "ratio_numerator": policy.ratio_numerator,
        "ratio_denominator": policy.ratio_denominator,
        "employee_cap": cents_to_decimal(policy.employee_yearly_cap_cents),
        "budget": cents_to_decimal(policy.yearly_budget_cents),
        "sources": [SOURCE_PAYROLL] * policy.match_payroll + [SOURCE_CARD] * policy.match_card,
        "causes": list(policy.causes.values_list("pk", flat=True)),
        "associations": list(policy.associations.values_list("pk", flat=True)),
        "period_start": policy.period_start,
        "period_end": policy.period_end,
    }


class GivingSettingsForm(forms.Form):
    fixed_min = EurosField()
    fixed_max = EurosField()

    def __init__(self, *args, currency: str, bounds: GivingSettings | None = None, **kwargs):
        if bounds is not None:
            kwargs.setdefault(
                "initial",
                {
                    "fixed_min": cents_to_decimal(bounds.fixed_min_cents),
                    "fixed_max": cents_to_decimal(bounds.fixed_max_cents),
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["fixed_min"].label = _("Smallest fixed amount per month (%(currency)s)") % {
            "currency": currency
        }
        self.fields["fixed_max"].label = _("Largest fixed amount per month (%(currency)s)") % {
            "currency": currency
        }
