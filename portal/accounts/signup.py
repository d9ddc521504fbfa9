"""The names asked at sign-up, next to allauth's e-mail and password."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.inputs import validate_single_line


class SignupNamesForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        validators=[validate_single_line],
        widget=forms.TextInput(
            attrs={"autocomplete": "given-name", "placeholder": _("First name")}
        ),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        validators=[validate_single_line],
        widget=forms.TextInput(
            attrs={"autocomplete": "family-name", "placeholder": _("Last name")}
        ),
    )

    field_order = ["first_name", "last_name"]

    def signup(self, request, user) -> None:
        """Called by allauth once the user is saved."""
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()
        user.save(update_fields=["first_name", "last_name"])
