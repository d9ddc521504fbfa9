"""Forms of giving: pledge, card gift, payroll upload, round-up associations, disbursements."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from donations.models import Pledge
from portal.inputs import parse_id, validate_date_in_range
from portal.money import cents_from_decimal


class EurosField(forms.DecimalField):
    """Euros typed by a person (comma or dot), cleaned to integer cents."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 9)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        super().__init__(localize=True, **kwargs)

    def clean(self, value):
        if isinstance(value, str):
            value = value.replace(" ", "").replace("\u00a0", "").replace(",", ".")
        result = super().clean(value)
        return None if result is None else cents_from_decimal(result)


class PledgeForm(forms.Form):
    rule = forms.ChoiceField(
        label=_("How much"), choices=Pledge.Rule.choices, widget=forms.RadioSelect
    )
    fixed_amount = EurosField(label=_("Fixed amount per month (€)"), required=False)
    monthly_cap = EurosField(label=_("Monthly cap (€, optional)"), required=False)
    start_month = forms.DateField(
        label=_("First month"),
        required=False,
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my employer deducts this amount from my net pay each month and gives it "
            "to the associations chosen below, until I change or stop my pledge."
        ),
        required=True,
    )

    def __init__(self, *args, associations=(), initial_shares=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.associations = list(associations)
        for association in self.associations:
            self.fields[f"share_{association.pk}"] = forms.IntegerField(
                label=_("Share for %(name)s (%%)") % {"name": association.title},
                min_value=0,
                max_value=100,
                required=False,
                initial=(initial_shares or {}).get(association.pk, 0),
            )

    def share_fields(self):
        return [self[f"share_{a.pk}"] for a in self.associations]

    def clean(self):
        data = super().clean()
        shares = {a.pk: data.get(f"share_{a.pk}") or 0 for a in self.associations}
        data["allocations"] = {pk: pct for pk, pct in shares.items() if pct}
        if sum(shares.values()) != 100:
            raise forms.ValidationError(_("The shares must add up to 100 %."))
        if data.get("rule") == Pledge.Rule.FIXED and not data.get("fixed_amount"):
            self.add_error("fixed_amount", _("Give the fixed amount."))
        return data


class CardDonationForm(forms.Form):
    association = forms.TypedChoiceField(label=_("Association"), coerce=int)
    amount = EurosField(label=_("Amount (€)"), min_value=Decimal("1"), max_value=Decimal("10000"))
    cover_fees = forms.BooleanField(label=_("I also cover the processing fees"), required=False)

    def __init__(self, *args, associations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].choices = [(a.pk, a.title) for a in associations]


class OpenRunForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m"],
    )


class NetPayUploadForm(forms.Form):
    file = forms.FileField(label=_("Net-pay file (CSV)"))
    excluded_lines = forms.CharField(required=False, widget=forms.HiddenInput)
    exclude = forms.BooleanField(
        label=_("Exclude the lines listed above and import the rest"), required=False
    )

    MAX_BYTES = 50 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload

    def clean(self):
        data = super().clean()
        lines: set[int] = set()
        if data.get("exclude"):
            for part in (data.get("excluded_lines") or "").split(","):
                if (line := parse_id(part)) is not None:
                    lines.add(line)
        data["excluded_line_set"] = lines
        return data


class RoundUpAssociationsForm(forms.Form):
    associations = forms.TypedMultipleChoiceField(
        label=_("Associations open to round-up"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["associations"].choices = choices


class DisbursementPaidForm(forms.Form):
    reference = forms.CharField(label=_("Payment reference"), max_length=120)


class AdjustmentForm(forms.Form):
    employee_number = forms.CharField(label=_("Employee number"), max_length=40)
    association = forms.TypedChoiceField(label=_("Association"), coerce=int)
    amount = forms.DecimalField(
        label=_("Amount (€, negative to take back)"), max_digits=9, decimal_places=2, localize=True
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, associations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].choices = [(a.pk, a.title) for a in associations]

    def clean_amount(self):
        return cents_from_decimal(self.cleaned_data["amount"])
