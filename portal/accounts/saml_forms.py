"""The SAML-specific fields of a company's sign-on form (the company sign-on admin embeds them).

What an IT department copies from Entra ID, Okta or Keycloak: either the IdP's metadata (URL or
XML), or its entity id, single sign-on URL and signing certificate; and whether IdP-initiated
sign-in (from the IdP's app portal) is allowed. `clean()` checks them and leaves the SocialApp
settings in `cleaned_data["app_settings"]`, for `configure_saml_sign_on`.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.accounts.saml import (
    InvalidSamlConfiguration,
    fetch_idp_metadata,
    saml_app_settings,
)

# saml_app_settings' argument -> this form's field
FIELDS = {
    "entity_id": "idp_entity_id",
    "sso_url": "sso_url",
    "x509cert": "x509cert",
    "metadata_url": "metadata_url",
    "metadata_xml": "metadata_xml",
}


class SamlIdentityProviderForm(forms.Form):
    idp_entity_id = forms.CharField(
        label=_("IdP entity id (issuer)"),
        max_length=500,
        required=False,
        help_text=_(
            'Entra ID: "Microsoft Entra Identifier"; Okta: "Identity Provider Issuer"; '
            "Keycloak: the realm URL. Not needed with metadata XML."
        ),
    )
    sso_url = forms.URLField(
        label=_("IdP single sign-on URL"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_('Entra ID: "Login URL"; Okta: "Identity Provider Single Sign-On URL".'),
    )
    x509cert = forms.CharField(
        label=_("IdP signing certificate"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The X.509 certificate the IdP signs with (PEM or base64)."),
    )
    metadata_url = forms.URLField(
        label=_("IdP metadata URL"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_(
            "Instead of the URL and certificate above: Cordée reads the IdP's metadata from "
            "this address (and again every 4 hours, so certificate rollovers follow)."
        ),
    )
    metadata_xml = forms.CharField(
        label=_("IdP metadata XML"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Or paste the IdP's metadata file (federation metadata XML)."),
    )
    allow_idp_initiated = forms.BooleanField(
        label=_("Allow sign-in started from the IdP's portal"),
        required=False,
        help_text=_(
            "Off (recommended): people start at Cordée's sign-in page. On: a tile in "
            "My Apps / the Okta dashboard signs them in directly."
        ),
    )

    @classmethod
    def initial_from(cls, app_settings: dict | None) -> dict:
        """The form's initial values from a SocialApp's stored SAML settings."""
        idp = (app_settings or {}).get("idp", {})
        advanced = (app_settings or {}).get("advanced", {})
        return {
            "idp_entity_id": idp.get("entity_id", ""),
            "sso_url": idp.get("sso_url", ""),
            "x509cert": idp.get("x509cert", ""),
            "metadata_url": idp.get("metadata_url", ""),
            "allow_idp_initiated": advanced.get("reject_idp_initiated_sso") is False,
        }

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            app_settings = saml_app_settings(
                **{argument: data.get(field) or "" for argument, field in FIELDS.items()},
                allow_idp_initiated=bool(data.get("allow_idp_initiated")),
            )
            if "metadata_url" in app_settings["idp"]:
                # Read it now, so a wrong URL or entity id is said here, not at the first sign-in.
                fetch_idp_metadata(app_settings["idp"])
        except InvalidSamlConfiguration as error:
            self.add_error(FIELDS.get(error.field), str(error))
            return data
        data["app_settings"] = app_settings
        return data
