"""Forms of the portal's own pages: the HR file import, personal data, the employee's profile."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.inputs import validate_date_in_range, validate_single_line
from portal.models import EmployeeProfile


class HRFileUploadForm(forms.Form):
    file = forms.FileField(
        label=_("HR file (CSV)"),
        help_text=_(
            "Semicolon-separated, UTF-8 (with or without BOM). Columns: Matricule, E-mail, Prénom, "
            "Nom, Matricule manager, Service, Site, Date d'entrée, Date de sortie, Langue "
            "(English names accepted). Dates as DD/MM/YYYY."
        ),
    )

    MAX_BYTES = 20 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class ConfirmImportForm(forms.Form):
    # The fingerprint of the preview the officer read: confirming applies exactly that.
    fingerprint = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)


class ErasureConfirmationForm(forms.Form):
    """Erasure cannot be undone: the person (or officer) ticks that they understand."""

    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        required=True,
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )


class ProfileDetailsForm(forms.Form):
    """Name, payroll number, team and language; only the language when the HR system feeds
    the rest (the view passes `directory_editable=False`)."""

    first_name = forms.CharField(
        label=_("First name"), max_length=150, validators=[validate_single_line]
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, validators=[validate_single_line]
    )
    employee_number = forms.CharField(
        label=_("Employee number"),
        max_length=40,
        required=False,
        validators=[validate_single_line],
        help_text=_("As on your payslip: payroll files match people by this number."),
    )
    department = forms.CharField(
        label=_("Department"), max_length=120, required=False, validators=[validate_single_line]
    )
    site = forms.CharField(
        label=_("Site"), max_length=120, required=False, validators=[validate_single_line]
    )
    language = forms.ChoiceField(
        label=_("Language of e-mails"),
        choices=[("", _("The language I last used")), *settings.LANGUAGES],
        required=False,
    )

    DIRECTORY_FIELDS = ("first_name", "last_name", "employee_number", "department", "site")

    def __init__(self, *args, directory_editable: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.directory_editable = directory_editable
        if not directory_editable:
            for name in self.DIRECTORY_FIELDS:
                del self.fields[name]

    @classmethod
    def initial_for(cls, profile: EmployeeProfile) -> dict:
        return {
            "first_name": profile.user.first_name,
            "last_name": profile.user.last_name,
            "employee_number": profile.employee_number,
            "department": profile.department,
            "site": profile.site,
            "language": profile.language,
        }

    def directory_values(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in self.DIRECTORY_FIELDS if name in self.fields
        }


class NotificationPreferencesForm(forms.ModelForm):
    class Meta:
        model = EmployeeProfile
        fields = ["notify_reminders", "notify_approval_requests", "notify_campaign_news"]


class PayGradeForm(forms.Form):
    """A salary band: its name, average monthly gross and employer contributions rate."""

    name = forms.CharField(label=_("Name"), max_length=80, validators=[validate_single_line])
    monthly_gross = forms.DecimalField(
        label=_("Monthly gross salary (€)"),
        min_value=Decimal("0.01"),
        max_digits=11,
        decimal_places=2,
        localize=True,
    )
    employer_contributions_percent = forms.DecimalField(
        label=_("Employer contributions (% of gross)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("45.00"),
        localize=True,
    )

    def cleaned_data_for_service(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "monthly_gross_cents": int(data["monthly_gross"] * 100),
            "employer_contributions_percent": data["employer_contributions_percent"],
        }


class PayAssignmentForm(forms.Form):
    person = forms.CharField(
        label=_("Employee number or e-mail"), max_length=254, validators=[validate_single_line]
    )
    grade = forms.ModelChoiceField(label=_("Pay grade"), queryset=None)
    valid_from = forms.DateField(
        label=_("Applies from"),
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade"].queryset = company.pay_grades.all()


class SalaryFileUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Salary file (CSV)"),
        help_text=_(
            "Columns: Matricule (or E-mail), Salaire brut mensuel, Charges patronales "
            "mensuelles, Date d'effet (English names accepted). Amounts like 3250,00; dates as "
            "DD/MM/YYYY. A file with one error writes nothing."
        ),
    )

    MAX_BYTES = 20 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload
