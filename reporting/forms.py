"""Forms of the impact dashboard: the period picker and the report request."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.inputs import validate_date_in_range
from portal.money import cents_from_decimal
from reporting.models import ImpactReport
from reporting.periods import (
    FuturePeriod,
    InvalidPeriod,
    Period,
    current_fiscal_year,
    parse_period,
)


class PeriodForm(forms.Form):
    """Reads GET parameters into a Period (current fiscal year when none are given)."""

    kind = forms.ChoiceField(
        label=_("Period"),
        choices=[
            ("year", _("Year")),
            ("quarter", _("Quarter")),
            ("month", _("Month")),
            ("custom", _("Custom dates")),
        ],
        initial="year",
        required=False,
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[(q, f"Q{q}") for q in range(1, 5)],
        coerce=int,
        required=False,
    )
    month = forms.TypedChoiceField(
        label=_("Month"),
        choices=[(m, f"{m:02d}") for m in range(1, 13)],
        coerce=int,
        required=False,
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=_("To (inclusive)"),
        required=False,
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, fiscal_start_month: int = 1, today: dt.date | None = None, **kw):
        self.fiscal_start_month = fiscal_start_month
        self.today = today or dt.date.today()  # noqa: DTZ011 - a calendar default, no instant
        super().__init__(*args, **kw)
        self.fields["year"].initial = current_fiscal_year(
            self.today, fiscal_start_month=fiscal_start_month
        )

    def clean(self):
        data = super().clean()
        params = {
            key: (value.isoformat() if isinstance(value, dt.date) else value)
            for key, value in data.items()
            if value not in (None, "")
        }
        try:
            data["period"] = parse_period(
                params, fiscal_start_month=self.fiscal_start_month, today=self.today
            )
        except FuturePeriod:
            raise forms.ValidationError(
                _("This period has not started yet: there is nothing to report on.")
            ) from None
        except InvalidPeriod:
            raise forms.ValidationError(
                _("This period does not exist. Check the dates (the end comes after the start).")
            ) from None
        return data

    def period(self) -> Period:
        """The chosen period, or the current fiscal year when the input is invalid."""
        if self.is_valid():
            return self.cleaned_data["period"]
        return parse_period({}, fiscal_start_month=self.fiscal_start_month, today=self.today)


class ReportRequestForm(PeriodForm):
    language = forms.ChoiceField(label=_("Language"), choices=ImpactReport.Language.choices)
    management_costs = forms.DecimalField(
        label=_("Management costs of the period (optional)"),
        help_text=_(
            "What running the programme cost over the period (staff, platform, fees), in the "
            "company's currency. Part of the company contribution; left empty, it counts as zero "
            "and the report says so."
        ),
        required=False,
        min_value=0,
        max_value=10**9,
        max_digits=12,
        decimal_places=2,
        localize=True,
    )

    def management_costs_cents(self) -> int | None:
        value = self.cleaned_data.get("management_costs")
        return None if value is None else cents_from_decimal(value)

    @classmethod
    def for_period(cls, period, *, language: str, fiscal_start_month: int) -> ReportRequestForm:
        """The request form preset to the period the dashboard shows, in the reader's language."""
        return cls(
            initial={
                **period.as_dict(),
                "quarter": period.number if period.kind == "quarter" else None,
                "month": period.number if period.kind == "month" else None,
                "start": period.start if period.kind == "custom" else None,
                "end": period.whole.last_day if period.kind == "custom" else None,
                "language": language,
            },
            fiscal_start_month=fiscal_start_month,
            auto_id="report_%s",
        )
