from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    label = forms.CharField(
        label=_("Label"),
        max_length=120,
        help_text=_("Which identity provider will use the token, e.g. Entra ID or Okta."),
    )
