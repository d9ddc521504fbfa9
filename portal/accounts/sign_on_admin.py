"""Wagtail admin for company sign-on (OpenID Connect or SAML 2.0): platform admins for every
company, a CSR officer for their own company only. The OIDC client secret is write-only: never
shown back. A company may switch protocol: its one SocialApp is reconfigured in place."""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from portal.accounts.saml import PROVIDER_ID as SAML_PROVIDER
from portal.accounts.saml import configure_saml_sign_on
from portal.accounts.saml_forms import SamlIdentityProviderForm
from portal.accounts.sign_on import OIDC, configure_oidc_sign_on
from portal.admin_labels import AddLabelMixin, with_yes_no_columns
from portal.models import Company, CompanySignOn
from portal.tenancy import company_of, profile_of

# Form field -> the claim_mapping key it edits.
MAPPING_FIELDS = {
    "email_claim": "email",
    "first_name_claim": "first_name",
    "last_name_claim": "last_name",
    "employee_number_claim": "employee_number",
    "department_claim": "department",
    "site_claim": "site",
    "manager_claim": "manager_employee_number",
    "language_claim": "language",
}


class SignOnPolicy(BasePermissionPolicy):
    """Superusers: every company's sign-on. CSR officers: their own company's, nothing else."""

    ACTIONS = frozenset({"view", "add", "change"})

    def _officer(self, user) -> bool:
        profile = profile_of(user)
        return bool(user.is_active and profile and profile.is_csr_officer)

    def user_has_permission(self, user, action):
        if user.is_active and user.is_superuser:
            return True
        return action in self.ACTIONS and self._officer(user)

    def user_has_permission_for_instance(self, user, action, instance):
        if user.is_active and user.is_superuser:
            return True
        company = company_of(user)
        return (
            self.user_has_permission(user, action)
            and company is not None
            and instance.company_id == company.pk
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if user.is_active and user.is_superuser:
            return CompanySignOn.objects.all()
        if not (set(actions) & self.ACTIONS) or not self._officer(user):
            return CompanySignOn.objects.none()
        return CompanySignOn.objects.filter(company=company_of(user))

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.filter(is_active=True)
        return users.filter(is_superuser=True) | users.filter(profile__is_csr_officer=True)


sign_on_policy = SignOnPolicy(CompanySignOn)
register_permission_policy(CompanySignOn, sign_on_policy)


def _claim_field(label):
    return forms.CharField(label=label, required=False, max_length=200)


PROTOCOL_OIDC = "oidc"
PROTOCOL_SAML = "saml"
SAML_FIELDS = list(SamlIdentityProviderForm.base_fields)
OIDC_FIELDS = ["server_url", "client_id", "client_secret"]


class SignOnForm(WagtailAdminModelForm):
    protocol = forms.ChoiceField(
        label=_("Protocol"),
        choices=[(PROTOCOL_OIDC, _("OpenID Connect")), (PROTOCOL_SAML, _("SAML 2.0"))],
        initial=PROTOCOL_OIDC,
        widget=forms.RadioSelect,
        help_text=_(
            "Fill in the panel of the chosen protocol; the other one is ignored. Switching "
            "protocol replaces the company's current configuration."
        ),
    )
    server_url = forms.URLField(
        label=_("Issuer (server URL)"),
        required=False,
        help_text=_(
            "The provider's issuer, e.g. https://login.microsoftonline.com/<tenant>/v2.0; its "
            "discovery document is read at <issuer>/.well-known/openid-configuration."
        ),
    )
    client_id = forms.CharField(
        label=_("Client ID"),
        max_length=191,
        required=False,
        help_text=_("The identifier the provider gave Cordée when you registered it there."),
    )
    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Never shown again once saved; leave empty to keep the current one."),
    )
    # SAML 2.0: SamlIdentityProviderForm's fields (it validates them, see clean()).
    idp_entity_id = SamlIdentityProviderForm.base_fields["idp_entity_id"]
    sso_url = SamlIdentityProviderForm.base_fields["sso_url"]
    x509cert = SamlIdentityProviderForm.base_fields["x509cert"]
    metadata_url = SamlIdentityProviderForm.base_fields["metadata_url"]
    metadata_xml = SamlIdentityProviderForm.base_fields["metadata_xml"]
    allow_idp_initiated = SamlIdentityProviderForm.base_fields["allow_idp_initiated"]
    email_claim = _claim_field(_("E-mail claim"))
    first_name_claim = _claim_field(_("First name claim"))
    last_name_claim = _claim_field(_("Last name claim"))
    employee_number_claim = _claim_field(_("Employee number claim"))
    department_claim = _claim_field(_("Department claim"))
    site_claim = _claim_field(_("Site claim"))
    manager_claim = _claim_field(_("Manager's employee number claim"))
    language_claim = _claim_field(_("Language claim"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk:
            app = instance.social_app
            if app.provider == SAML_PROVIDER:
                self.initial["protocol"] = PROTOCOL_SAML
                self.initial.update(SamlIdentityProviderForm.initial_from(app.settings))
            else:
                self.initial["protocol"] = PROTOCOL_OIDC
                self.initial["server_url"] = app.settings.get("server_url", "")
                self.initial["client_id"] = app.client_id
            for field, key in MAPPING_FIELDS.items():
                self.initial[field] = (instance.claim_mapping or {}).get(key, "")
            if "company" in self.fields:
                del self.fields["company"]
        elif "company" in self.fields:
            user = self.for_user
            if user is not None and not user.is_superuser:
                company = company_of(user)
                self.fields["company"].queryset = Company.objects.filter(
                    pk=company.pk if company else None
                )
            self.fields["company"].queryset = self.fields["company"].queryset.filter(
                sign_on__isnull=True
            )

    def _is_oidc_now(self) -> bool:
        return bool(self.instance.pk and self.instance.social_app.provider == OIDC)

    def clean(self):
        data = super().clean()
        protocol = data.get("protocol")
        # The other protocol's panel is ignored, errors included (e.g. a half-typed URL).
        for field in {PROTOCOL_SAML: OIDC_FIELDS, PROTOCOL_OIDC: SAML_FIELDS}.get(protocol, []):
            self._errors.pop(field, None)
        if protocol == PROTOCOL_SAML:
            self._clean_saml(data)
        elif protocol == PROTOCOL_OIDC:
            for field, message in (
                ("server_url", _("Give the provider's issuer.")),
                ("client_id", _("Give the client ID.")),
            ):
                if not data.get(field) and field not in self._errors:
                    self.add_error(field, message)
            if not self._is_oidc_now() and not data.get("client_secret"):
                self.add_error("client_secret", _("Give the client secret."))
        return data

    def _clean_saml(self, data) -> None:
        """Validate the SAML fields with SamlIdentityProviderForm; its errors on our fields."""
        saml = SamlIdentityProviderForm(self.data, prefix=self.prefix)
        if saml.is_valid():
            data["app_settings"] = saml.cleaned_data["app_settings"]
            return
        for field, errors in saml.errors.items():
            if field in self._errors:  # our own copy of the field already said it
                continue
            for error in errors:
                self.add_error(field if field in self.fields else None, error)

    def claim_mapping(self) -> dict:
        return {
            key: self.cleaned_data[field].strip()
            for field, key in MAPPING_FIELDS.items()
            if self.cleaned_data.get(field, "").strip()
        }


class ScopedSignOnMixin:
    def dispatch(self, request, *args, **kwargs):
        pk = kwargs.get("pk")
        scope = sign_on_policy.instances_user_has_permission_for(request.user, "change")
        if pk is not None and not scope.filter(pk=pk).exists():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def _save(view, company):
    data = view.form.cleaned_data
    if data["protocol"] == PROTOCOL_SAML:
        return configure_saml_sign_on(
            company,
            label=data["label"],
            app_settings=data["app_settings"],
            claim_mapping=view.form.claim_mapping(),
            password_sign_in=data["password_sign_in"],
        )
    sign_on = configure_oidc_sign_on(
        company,
        server_url=data["server_url"],
        client_id=data["client_id"],
        secret=data.get("client_secret") or None,
        label=data["label"],
        password_sign_in=data["password_sign_in"],
        claim_mapping=view.form.claim_mapping(),
    )
    return sign_on


class SignOnIndexView(generic.IndexView):
    def get_base_queryset(self):
        return sign_on_policy.instances_user_has_permission_for(
            self.request.user, "view"
        ).select_related("company")


class SignOnCreateView(generic.CreateView):
    def save_instance(self):
        sign_on = _save(self, self.form.cleaned_data["company"])
        log(instance=sign_on, action="wagtail.create", user=self.request.user)
        return sign_on


class SignOnEditView(ScopedSignOnMixin, generic.EditView):
    def save_instance(self):
        sign_on = _save(self, self.object.company)
        log(instance=sign_on, action="wagtail.edit", user=self.request.user)
        return sign_on


class SignOnViewSet(AddLabelMixin, ModelViewSet):
    """A company's identity provider (OpenID Connect or SAML 2.0), attribute mapping, passwords."""

    model = CompanySignOn
    icon = "key"
    menu_label = _("Single sign-on")
    menu_order = 256
    add_to_admin_menu = True
    url_prefix = "sign-on"
    name = "company_sign_on"
    copy_view_enabled = False
    inspect_view_enabled = False
    history_view_enabled = False
    usage_view_enabled = False
    delete_view_enabled = False
    index_view_class = SignOnIndexView
    add_view_class = SignOnCreateView
    edit_view_class = SignOnEditView
    add_item_label = _("Add a company sign-on")
    list_display = with_yes_no_columns(CompanySignOn, ["label", "company", "password_sign_in"])
    search_fields = None
    edit_handler = ObjectList(
        [
            FieldPanel("company"),
            FieldPanel("label"),
            FieldPanel("protocol"),
            MultiFieldPanel(
                [FieldPanel(name) for name in OIDC_FIELDS],
                heading=_("OpenID Connect provider"),
            ),
            MultiFieldPanel(
                [FieldPanel(name) for name in SAML_FIELDS],
                heading=_("SAML identity provider"),
                help_text=_(
                    "Give the IdP's metadata (URL with its entity id, or XML), or its entity id, "
                    "single sign-on URL and signing certificate. Cordée's service provider "
                    "metadata is at /accounts/saml/<company short name>/metadata/."
                ),
            ),
            FieldPanel("password_sign_in"),
            MultiFieldPanel(
                [FieldPanel(name) for name in MAPPING_FIELDS],
                heading=_("Attribute mapping"),
                help_text=_(
                    "The claim (SAML: the attribute name) holding each field; empty: the "
                    "standard claim (email, given_name, family_name, locale) or nothing."
                ),
            ),
        ],
        base_form_class=SignOnForm,
    )
