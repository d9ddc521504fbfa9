"""Forms of giving: pledge, card gift, payroll upload, round-up associations, disbursements,
and the CSR officers' giving rules (they parse; `services.rules` checks the rules)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donations.models import (
    GivingSettings,
    LeaveDayRequest,
    MatchingPolicy,
    Pledge,
    ReceiptSettings,
)
from donations.services.pledges import PledgeTerms
from donations.services.rules import MAX_RATIO_TERM, PolicyTerms
from portal.inputs import validate_date_in_range
from portal.money import cents_from_decimal, cents_to_decimal, format_money


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
            "to the associations chosen above, until I change or stop my pledge."
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

    @classmethod
    def for_pledge(cls, data, *, pledge: Pledge | None, associations) -> PledgeForm:
        """The form filled with `pledge`'s terms (a new pledge when None)."""
        initial, shares = {}, {}
        if pledge:
            shares = {a.association_id: a.percent for a in pledge.allocations.all()}
            initial = {
                "rule": pledge.rule,
                "fixed_amount": (pledge.fixed_amount_cents or 0) / 100 or None,
                "monthly_cap": (pledge.monthly_cap_cents or 0) / 100 or None,
            }
        return cls(data, associations=associations, initial_shares=shares, initial=initial)

    def terms(self) -> PledgeTerms:
        """The cleaned form as the pledge service's terms."""
        data = self.cleaned_data
        return PledgeTerms(
            rule=data["rule"],
            allocations=data["allocations"],
            fixed_amount_cents=data.get("fixed_amount") if data["rule"] == "fixed" else None,
            monthly_cap_cents=data.get("monthly_cap"),
            start_month=data.get("start_month"),
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
    # One click on a suggested amount, or any amount typed below (the typed one wins).
    suggested = forms.TypedChoiceField(
        label=_("Suggested amounts"),
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
        empty_value=None,
    )
    amount = EurosField(
        label=_("Other amount (€)"),
        min_value=Decimal("1"),
        max_value=Decimal("10000"),
        required=False,
    )
    cover_fees = forms.BooleanField(label=_("I also cover the processing fees"), required=False)

    def __init__(self, *args, associations=(), suggested_cents=(), currency="EUR", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].choices = [(a.pk, a.title) for a in associations]
        self.fields["suggested"].choices = [
            (cents, format_money(cents, currency)) for cents in suggested_cents
        ]

    def clean(self):
        data = super().clean()
        if not data.get("amount") and not self.has_error("amount"):
            if data.get("suggested"):
                data["amount"] = data["suggested"]
            else:
                self.add_error("amount", _("Choose or type an amount."))
        return data


class CardMatchQuery(forms.Form):
    """The live match asked by the card form's script: which association, how much."""

    association = forms.IntegerField(min_value=1)
    amount = EurosField(min_value=Decimal("1"), max_value=Decimal("10000"))


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
    # After an ambiguous header: which field, and the normalised header the officer chose.
    column_field = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    column_choice = forms.CharField(required=False, max_length=80)

    MAX_BYTES = 50 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload

    def clean(self):
        data = super().clean()
        lines: set[int] = set()
        data["exclude_refused"] = False
        if data.get("exclude"):
            for part in (data.get("excluded_lines") or "").split(","):
                first, _dash, last = part.strip().partition("-")
                if part.strip() == "refused":
                    data["exclude_refused"] = True
                elif _is_whole(first) and (not last or _is_whole(last)):
                    # Bounded: a file has at most MAX_LINES lines.
                    end = min(int(last or first), int(first) + 1_000_000)
                    lines.update(range(int(first), end + 1))
        data["excluded_line_set"] = lines
        field_name, choice = data.get("column_field"), data.get("column_choice")
        data["column_choices"] = {field_name: choice} if field_name and choice else {}
        return data


class ConfirmRunForm(forms.Form):
    """The second look before a run is confirmed: tick the stated totals, or type the month
    when many pledgers are missing from the file (see ConfirmationSummary.must_type_month)."""

    acknowledge = forms.BooleanField(required=False)
    typed_month = forms.CharField(required=False, max_length=7, label=_("Month (YYYY-MM)"))
    # The figures the officer read: if the run changed since (another tab recomputed it), the
    # confirmation is refused and the page shows the new figures.
    figures = forms.CharField(max_length=200, widget=forms.HiddenInput)

    def __init__(self, *args, summary, **kwargs):
        super().__init__(*args, **kwargs)
        self.summary = summary

    def clean(self):
        data = super().clean()
        if data.get("figures") != self.summary.figures:
            raise forms.ValidationError(
                _("The run changed since you read it: check the new figures below.")
            )
        if self.summary.must_type_month:
            if (data.get("typed_month") or "").strip() != self.summary.month_text:
                self.add_error(
                    "typed_month",
                    _("Type the month of the run (%(month)s) to confirm.")
                    % {"month": self.summary.month_text},
                )
        elif not data.get("acknowledge"):
            self.add_error("acknowledge", _("Tick the box to confirm these totals."))
        return data


class RoundUpAssociationsForm(forms.Form):
    associations = forms.TypedMultipleChoiceField(
        label=_("Associations open to round-up"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The associations your people may choose for their monthly round-up."),
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


# CSR officers' giving rules -----------------------------------------------------------------

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
        label=_("For every"),
        min_value=1,
        max_value=MAX_RATIO_TERM,
        initial=1,
        help_text=_("For 1:2, the company gives 1 for every 2 an employee gives."),
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
        help_text=_("Which gifts the company matches: the monthly round-up, card gifts, or both."),
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
        help_text=_("The first day whose gifts this policy matches."),
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
        self.fields["causes"].choices = [(c.pk, c.localized_name) for c in causes]
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
    fixed_min = EurosField(
        help_text=_("The least an employee may pledge as a fixed amount each month.")
    )
    fixed_max = EurosField(
        help_text=_("The most an employee may pledge as a fixed amount each month.")
    )

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


def _is_whole(text: str) -> bool:
    # ASCII only: "²".isdigit() is true, and int("²") raises.
    return text.isascii() and text.isdigit()


class LeaveDayOfferForm(forms.Form):
    """An employee's offer of working days to an eligible association."""

    association = forms.TypedChoiceField(label=_("Association"), coerce=int)
    days = forms.IntegerField(label=_("Working days"), min_value=1)
    kind = forms.ChoiceField(
        label=_("Kind of days"),
        choices=LeaveDayRequest.Kind.choices,
        help_text=_("Paid leave can be given only beyond the 24th working day of the year."),
    )

    def __init__(self, *args, associations, left: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].choices = [("", "—")] + [(a.pk, a.title) for a in associations]
        # The service checks the cap under a lock (and says why); this bound only helps the browser.
        self.fields["days"].widget.attrs["max"] = max(left, 1)


class LeaveDecisionForm(forms.Form):
    """HR's decision on one offer: accept, or refuse with a reason."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required to refuse; the employee reads it)"),
        max_length=250,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the request is refused."))
        return data


class ReceiptSettingsForm(forms.Form):
    """An association's choice of how its tax receipts are produced, and its signatory."""

    mode = forms.ChoiceField(
        label=_("How are your tax receipts produced?"),
        choices=ReceiptSettings.Mode.choices,
        widget=forms.RadioSelect,
    )
    signatory_name = forms.CharField(label=_("Signatory's name"), max_length=120, required=False)
    signatory_title = forms.CharField(
        label=_("Signatory's title (e.g. President, Treasurer)"), max_length=120, required=False
    )
    object_text = forms.CharField(
        label=_("Object of the association (as printed on receipts)"),
        max_length=300,
        required=False,
    )
    legal_quality = forms.CharField(label=_("Legal quality"), max_length=200, required=False)
    eligible_ifi = forms.BooleanField(
        label=_("Gifts are also eligible under article 978 of the tax code (IFI)"),
        required=False,
    )
    signature = forms.FileField(
        label=_("Signature image (PNG or JPEG, under 512 KB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("mode") == ReceiptSettings.Mode.CORDEE and not data.get("signatory_name"):
            self.add_error("signatory_name", _("Cordée signs in the name of a person: name them."))
        return data


class ReceiptYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year of the gifts"), min_value=2000, max_value=2100)


class CompanyReceiptPeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and (end < start or start.year != end.year):
            raise forms.ValidationError(_("The period starts before it ends, within one year."))
        return data


class ReceiptUploadForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput)
    batch = forms.ChoiceField(label=_("Gifts covered"))
    own_reference = forms.CharField(label=_("Your receipt number"), max_length=60)
    pdf = forms.FileField(
        label=_("Receipt (PDF)"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf"})
    )

    def __init__(self, *args, batches: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].choices = batches


class ReceiptCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=250)
    replace = forms.BooleanField(
        label=_("Issue a corrected receipt in its place"), required=False, initial=True
    )


class DonorAddressForm(forms.Form):
    street = forms.CharField(label=_("Street address"), max_length=255)
    postcode = forms.CharField(label=_("Postcode"), max_length=10)
    city = forms.CharField(label=_("City"), max_length=100)
    country = forms.CharField(label=_("Country"), max_length=60, initial="France")


class FiscalYearFiguresForm(forms.Form):
    """The turnover and tax due of one fiscal year, for the mécénat ledger (both optional)."""

    turnover = EurosField(
        label=_("Turnover excluding tax (€)"),
        required=False,
        max_digits=15,
        min_value=Decimal(0),
        help_text=_("Sets the cap: the higher of the fixed amount and the turnover share."),
    )
    tax_due = EurosField(
        label=_("Corporate tax due before the reduction (€)"),
        required=False,
        max_digits=15,
        min_value=Decimal(0),
        help_text=_("The reduction above it carries forward; blank: assumed fully used."),
    )


class CampaignForm(forms.Form):
    """A giving or volunteering campaign as a CSR officer sets it (`services.campaigns` checks)."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            ("giving", _("Giving campaign (gifts to associations)")),
            ("volunteering", _("Volunteering campaign (hours on missions)")),
        ],
        widget=forms.RadioSelect,
        initial="giving",
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    starts_on = forms.DateField(
        label=_("First day"),
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ends_on = forms.DateField(
        label=_("Last day (included)"),
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    associations = forms.TypedMultipleChoiceField(
        label=_("Associations of a giving campaign"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    goal_amount = EurosField(
        label=_("Goal in money, gifts and matches together (optional)"), required=False
    )
    match_ratio_numerator = forms.IntegerField(
        label=_("Company gives"),
        min_value=1,
        max_value=MAX_RATIO_TERM,
        initial=2,
        help_text=_("For 2:1, the company gives 2 for every 1 an employee gives."),
    )
    match_ratio_denominator = forms.IntegerField(
        label=_("For every"), min_value=1, max_value=MAX_RATIO_TERM, initial=1
    )
    employee_cap = EurosField(
        label=_("Match cap per employee"),
        required=False,
        min_value=Decimal("0"),
        help_text=_("The most one employee's gifts can be matched during the campaign."),
    )
    match_budget = EurosField(
        label=_("Match budget"),
        required=False,
        min_value=Decimal("0"),
        help_text=_(
            "The most the company matches during the campaign. Zero: the campaign matches "
            "nothing itself and the standing matching policy applies."
        ),
    )
    missions = forms.TypedMultipleChoiceField(
        label=_("Missions of a volunteering campaign"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    goal_hours = forms.IntegerField(
        label=_("Goal in hours volunteered (optional)"),
        min_value=1,
        max_value=1_000_000,
        required=False,
    )

    def __init__(self, *args, currency: str, associations=(), missions=(), campaign=None, **kw):
        if campaign is not None:
            kw.setdefault("initial", initial_from_campaign(campaign))
        super().__init__(*args, **kw)
        for name in ("goal_amount", "employee_cap", "match_budget"):
            self.fields[name].label = f"{self.fields[name].label} ({currency})"
        self.fields["associations"].choices = [(a.pk, a.title) for a in associations]
        self.fields["missions"].choices = [(m.pk, m.title) for m in missions]

    def terms(self):
        from donations.services.campaigns import CampaignTerms

        data = self.cleaned_data
        return CampaignTerms(
            kind=data["kind"],
            title=data["title"],
            description=data.get("description") or "",
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            association_ids=frozenset(data.get("associations") or ()),
            mission_ids=frozenset(data.get("missions") or ()),
            goal_cents=data.get("goal_amount"),
            goal_hours=data.get("goal_hours"),
            match_ratio_numerator=data["match_ratio_numerator"],
            match_ratio_denominator=data["match_ratio_denominator"],
            employee_cap_cents=data.get("employee_cap") or 0,
            match_budget_cents=data.get("match_budget") or 0,
        )


def initial_from_campaign(campaign) -> dict:
    def euros(cents):
        return None if cents is None else cents_to_decimal(cents)

    return {
        "kind": campaign.kind,
        "title": campaign.title,
        "description": campaign.description,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "associations": [a.pk for a in campaign.associations.all()],
        "missions": [m.pk for m in campaign.missions.all()],
        "goal_amount": euros(campaign.goal_cents),
        "goal_hours": campaign.goal_hours,
        "match_ratio_numerator": campaign.match_ratio_numerator,
        "match_ratio_denominator": campaign.match_ratio_denominator,
        "employee_cap": euros(campaign.employee_cap_cents),
        "match_budget": euros(campaign.match_budget_cents),
    }


class GrantPolicyForm(forms.Form):
    """The year's volunteer grant policy (amounts typed in euros, kept in cents)."""

    hours_per_grant = forms.IntegerField(
        label=_("Hours per grant"),
        min_value=1,
        max_value=1000,
        help_text=_("Hours an employee gives an association outside work time for each grant."),
    )
    amount_per_grant_cents = EurosField(label=_("Amount of a grant"))
    yearly_budget_cents = EurosField(
        label=_("Yearly budget"), min_value=Decimal(0), help_text=_("The most given in the year.")
    )
    person_yearly_cap_cents = EurosField(
        label=_("Yearly cap per person"),
        min_value=Decimal(0),
        help_text=_("The most one employee's hours can earn in grants in the year."),
    )
    is_active = forms.BooleanField(label=_("Grants are given"), required=False, initial=True)

    @staticmethod
    def initial_from(policy) -> dict:
        return {
            "hours_per_grant": policy.hours_per_grant,
            "amount_per_grant_cents": cents_to_decimal(policy.amount_per_grant_cents),
            "yearly_budget_cents": cents_to_decimal(policy.yearly_budget_cents),
            "person_yearly_cap_cents": cents_to_decimal(policy.person_yearly_cap_cents),
            "is_active": policy.is_active,
        }


class StaffVoteForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    budget = EurosField(label=_("Budget shared by the vote"))
    mode = forms.ChoiceField(
        label=_("How people vote"),
        choices=[
            ("one", _("One choice per person")),
            ("points", _("Each person splits points")),
        ],
        widget=forms.RadioSelect,
        initial="one",
    )
    points = forms.IntegerField(
        label=_("Points per person (split mode)"),
        min_value=2,
        max_value=1000,
        initial=100,
        required=False,
    )
    opens_at = forms.DateTimeField(
        label=_("Opens"),
        validators=[validate_date_in_range],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes"),
        validators=[validate_date_in_range],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    associations = forms.TypedMultipleChoiceField(
        label=_("Associations"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least two."),
    )

    def __init__(self, *args, associations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["associations"].choices = [(a.pk, a.title) for a in associations]
        if not self.is_bound:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault("opens_at", now.strftime("%Y-%m-%dT%H:%M"))
            closes = now + dt.timedelta(days=14)
            self.initial.setdefault("closes_at", closes.strftime("%Y-%m-%dT%H:%M"))


class BallotForm(forms.Form):
    """One choice (a radio list) or points per association, depending on the vote's mode."""

    def __init__(self, *args, vote, associations, current: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.vote = vote
        if vote.mode == "one":
            self.fields["choice"] = forms.TypedChoiceField(
                label=_("Your choice"),
                coerce=int,
                choices=[(a.pk, a.title) for a in associations],
                widget=forms.RadioSelect,
                initial=next(iter(current), None),
            )
        else:
            for association in associations:
                self.fields[f"points_{association.pk}"] = forms.IntegerField(
                    label=association.title,
                    min_value=0,
                    max_value=vote.points,
                    required=False,
                    initial=current.get(association.pk, 0),
                )

    def allocations(self) -> dict[int, int]:
        data = self.cleaned_data
        if "choice" in data:
            return {data["choice"]: 1}
        return {
            int(name.removeprefix("points_")): value or 0
            for name, value in data.items()
            if name.startswith("points_")
        }
