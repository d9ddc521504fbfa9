"""Forms of the portal's own pages (the HR file import, personal data)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
