"""Forms of portal's own pages (personal data)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureConfirmationForm(forms.Form):
    """Erasure cannot be undone: the person (or officer) ticks that they understand."""

    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        required=True,
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )
