"""Wagtail admin for people and companies: CSR officers see their own company, admins all."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.log_actions import log
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from portal.accounts.onboarding import (
    DomainTaken,
    check_slug,
    normalise_domains,
    onboard_company,
    set_company_domains,
    taken_domains,
)
from portal.accounts.sign_on_admin import SignOnViewSet
from portal.admin_labels import AddLabelMixin, with_yes_no_columns
from portal.admin_scope import CHOOSE, hide_other_companies_pages
from portal.media_collections import scope_to_collections
from portal.models import DOMAIN_VALIDATOR, Company, CompanyRules, EmployeeProfile
from portal.people.records import announce_leave_date_change
from portal.services import set_roles
from portal.tenancy import company_of, profile_of

# ---- People -----------------------------------------------------------------------------------


class CompanyPeoplePermissionPolicy(BasePermissionPolicy):
    """CSR officers view and edit their own company's profiles; superusers everyone's.

    Profiles are created by sign-up (or imports), never from this admin, and never deleted here.
    """

    ACTIONS = frozenset({"view", "change"})

    def user_has_permission(self, user, action):
        if not (user.is_active and action in self.ACTIONS):
            return False
        if user.is_superuser:
            return True
        profile = profile_of(user)
        return profile is not None and profile.is_csr_officer

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return user.is_superuser or instance.company_id == company_of(user).pk

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        queryset = self.model._default_manager.all()
        if user.is_superuser:
            return queryset
        return queryset.filter(company=company_of(user))

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.filter(is_active=True)
        if not set(actions) & self.ACTIONS:
            return users.none()
        return users.filter(is_superuser=True) | users.filter(profile__is_csr_officer=True)


people_policy = CompanyPeoplePermissionPolicy(EmployeeProfile)
register_permission_policy(EmployeeProfile, people_policy)


def people_visible_to(user) -> QuerySet[EmployeeProfile]:
    return people_policy.instances_user_has_permission_for(user, "view").select_related(
        "user", "company", "manager__user"
    )


class ScopedObjectMixin:
    """Views that take an id answer 404 for an object outside `scope(user)`, as the site does."""

    scope: staticmethod  # user -> the queryset of what they may open

    def dispatch(self, request, *args, **kwargs):
        pk = kwargs.get("pk")
        if pk is not None and not self.scope(request.user).filter(pk=pk).exists():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class CompanyScopedObjectMixin(ScopedObjectMixin):
    """Another company's profile is a 404."""

    scope = staticmethod(people_visible_to)


# What the HR file or SCIM writes (portal/people/records.py): edited there, never here, or the
# next sync would silently undo the officer's change.
HR_SYNCED_FIELDS = ("employee_number", "department", "site", "manager", "hire_date", "leave_date")


class EmployeeProfileAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        company = getattr(self.instance, "company", None) if self.instance.company_id else None
        if company is not None and company.directory_source != "manual":
            source = company.get_directory_source_display()
            for name in HR_SYNCED_FIELDS:
                if name in self.fields:
                    # A disabled field keeps its stored value whatever is posted.
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _(
                        "Comes from the company's people directory (%(source)s): change it there."
                    ) % {"source": source}
        if "manager" in self.fields:
            # A manager is a colleague of the same company, never oneself.
            self.fields["manager"].queryset = (
                EmployeeProfile.objects.filter(company_id=self.instance.company_id)
                .exclude(pk=self.instance.pk)
                .select_related("user")
            )


class PeopleIndexView(generic.IndexView):
    def get_base_queryset(self):
        return people_visible_to(self.request.user)


class PeopleEditView(CompanyScopedObjectMixin, generic.EditView):
    def get_queryset(self):
        return people_visible_to(self.request.user)

    @transaction.atomic
    def save_instance(self):
        old_leave = (
            EmployeeProfile.objects.select_for_update()
            .filter(pk=self.object.pk)
            .values_list("leave_date", flat=True)
            .first()
        )
        profile = super().save_instance()
        # A leave date set here is announced like one from SSO, SCIM or the HR file.
        announce_leave_date_change(profile, old_leave, source="admin")
        # Roles go through the service so that admin access follows the CSR role.
        return set_roles(
            profile=profile,
            csr_officer=profile.is_csr_officer,
            executive=profile.is_executive,
            payroll_officer=profile.is_payroll_officer,
        )


class PeopleHistoryView(CompanyScopedObjectMixin, HistoryView):
    pass


class PeopleUsageView(CompanyScopedObjectMixin, UsageView):
    pass


class EmployeeProfileViewSet(ModelViewSet):
    model = EmployeeProfile
    icon = "group"
    menu_label = _("People")
    menu_order = 250
    add_to_admin_menu = True
    url_prefix = "people"
    name = "people"
    copy_view_enabled = False
    index_view_class = PeopleIndexView
    edit_view_class = PeopleEditView
    history_view_class = PeopleHistoryView
    usage_view_class = PeopleUsageView
    list_display = with_yes_no_columns(
        EmployeeProfile,
        [
            "display_name",
            "department",
            "site",
            "manager",
            "is_csr_officer",
        ],
    )
    list_filter = ["is_csr_officer", "is_executive", "is_payroll_officer"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "department", "site"]
    search_backend_name = None  # plain database lookups, scoped by the queryset above
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("employee_number"), FieldPanel("department")]),
            FieldRowPanel([FieldPanel("site"), FieldPanel("manager")]),
            FieldPanel("language"),
            FieldRowPanel([FieldPanel("hire_date"), FieldPanel("leave_date")]),
            MultiFieldPanel(
                [
                    FieldPanel("is_csr_officer"),
                    FieldPanel("is_executive"),
                    FieldPanel("is_payroll_officer"),
                ],
                heading=_("Roles"),
                help_text=_("Manager is not a role to grant: it follows from having reports."),
            ),
        ],
        base_form_class=EmployeeProfileAdminForm,
    )


# ---- Companies (platform admins only) ----------------------------------------------------------


class CompanyAdminForm(WagtailAdminModelForm):
    domains = forms.CharField(
        label=_("e-mail domains"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line. People whose verified address ends with one of them join this company."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["domains"] = "\n".join(
                self.instance.domains.values_list("domain", flat=True)
            )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        try:
            check_slug(slug)
        except ValidationError as error:
            raise ValidationError(error.message_dict["slug"]) from error
        return slug

    def clean_domains(self) -> list[str]:
        domains = normalise_domains(self.cleaned_data["domains"].replace(",", "\n").splitlines())
        if not domains:
            raise ValidationError(_("Give at least one e-mail domain."))
        for domain in domains:
            DOMAIN_VALIDATOR(domain)
        company = self.instance if self.instance.pk else None
        if taken := taken_domains(domains=domains, company=company):
            raise ValidationError(
                _("Already used by another company: %(domains)s"),
                params={"domains": ", ".join(taken)},
            )
        return domains


COMPANY_FIELDS = [
    "name",
    "slug",
    "currency",
    "time_zone",
    "fiscal_year_start_month",
    "yearly_quota_days",
    "hours_per_day",
    "approval_required",
    "hourly_valuation_cents",
    "brand_colour",
    "logo",
    "leaver_retention_months",
    "legal_name",
    "legal_form",
    "siren",
    "registered_address",
]


class CompanyCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        fields = {name: data[name] for name in COMPANY_FIELDS if name in data}
        try:
            company = onboard_company(domains=data["domains"], **fields)
        except DomainTaken as error:  # a concurrent onboarding took it after validation
            raise ValidationError(str(error)) from error
        log(instance=company, action="wagtail.create", user=self.request.user)
        return company


class CompanyEditView(generic.EditView):
    def save_instance(self):
        company = super().save_instance()
        set_company_domains(company=company, domains=self.form.cleaned_data["domains"])
        return company


class CompanyViewSet(AddLabelMixin, ModelViewSet):
    """Only superusers hold company permissions (CSR groups never get them)."""

    model = Company
    icon = "site"
    menu_label = _("Companies")
    menu_order = 260
    add_to_admin_menu = True
    url_prefix = "companies"
    name = "companies"
    copy_view_enabled = False
    add_view_class = CompanyCreateView
    edit_view_class = CompanyEditView
    add_item_label = _("Add a company")
    list_display = with_yes_no_columns(Company, ["name", "slug", "currency", "approval_required"])
    search_fields = ["name", "slug", "domains__domain"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
            FieldPanel("domains"),
            FieldRowPanel(
                [FieldPanel("currency"), FieldPanel("time_zone"), FieldPanel("brand_colour")]
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [FieldPanel("fiscal_year_start_month"), FieldPanel("yearly_quota_days")]
                    ),
                    FieldRowPanel([FieldPanel("hours_per_day"), FieldPanel("approval_required")]),
                    FieldPanel("hourly_valuation_cents"),
                ],
                heading=_("Engagement rules"),
            ),
            FieldPanel("leaver_retention_months"),
            FieldPanel("logo"),
            # What associations print on the company's tax receipts (Cerfa 16216).
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [FieldPanel("legal_name"), FieldPanel("legal_form"), FieldPanel("siren")]
                    ),
                    FieldPanel("registered_address"),
                ],
                heading=_("Legal identity (tax receipts)"),
            ),
        ],
        base_form_class=CompanyAdminForm,
    )


# ---- Our company's rules (CSR officers) -------------------------------------------------------


class OwnCompanyRulesPolicy(BasePermissionPolicy):
    """A CSR officer views and changes the engagement rules of their own company, nothing else.

    Superusers keep the full Companies admin above; this one is the officers' door.
    """

    ACTIONS = frozenset({"view", "change"})

    def user_has_permission(self, user, action):
        profile = profile_of(user)
        return bool(
            user.is_active and action in self.ACTIONS and profile and profile.is_csr_officer
        )

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and instance.pk == company_of(user).pk

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return CompanyRules.objects.none()
        return CompanyRules.objects.filter(pk=company_of(user).pk)

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.filter(is_active=True)
        if not set(actions) & self.ACTIONS:
            return users.none()
        return users.filter(profile__is_csr_officer=True)


rules_policy = OwnCompanyRulesPolicy(CompanyRules)
register_permission_policy(CompanyRules, rules_policy)


class CompanyRulesForm(WagtailAdminModelForm):
    hourly_valuation = forms.DecimalField(
        label=_("Hourly valuation of skills sponsorship"),
        min_value=0,
        max_digits=9,
        decimal_places=2,
        help_text=_("In the company's currency, per hour: it values skills sponsorship."),
    )
    fiscal_year_start_month = forms.TypedChoiceField(
        label=_("First month of the fiscal year"),
        choices=sorted(MONTHS.items()),
        coerce=int,
        help_text=_("Quotas and reports count years from this month."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["hourly_valuation"] = Decimal(self.instance.hourly_valuation_cents).scaleb(-2)
        # Decimals as the officer writes them: "4,5" days in French.
        # (a text input: a number input cannot show a decimal comma).
        for name in ("yearly_quota_days", "hours_per_day", "hourly_valuation"):
            self.fields[name].localize = True
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal"})
            self.fields[name].widget.is_localized = True

    def save(self, commit=True):
        self.instance.hourly_valuation_cents = round(self.cleaned_data["hourly_valuation"] * 100)
        return super().save(commit=commit)


class OwnCompanyScopedMixin(ScopedObjectMixin):
    """Another company's rules are a 404."""

    scope = staticmethod(partial(rules_policy.instances_user_has_permission_for, action="change"))


class CompanyRulesIndexView(generic.IndexView):
    def get_base_queryset(self):
        return rules_policy.instances_user_has_permission_for(self.request.user, "view")


class CompanyRulesEditView(OwnCompanyScopedMixin, generic.EditView):
    pass


class CompanyRulesHistoryView(OwnCompanyScopedMixin, HistoryView):
    pass


class CompanyRulesViewSet(ModelViewSet):
    """What a CSR officer sets for their company: quota, approval, valuation, year, colour."""

    model = CompanyRules
    icon = "cog"
    menu_label = _("Company rules")
    menu_order = 255
    add_to_admin_menu = True
    url_prefix = "company-rules"
    name = "company_rules"
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = CompanyRulesIndexView
    edit_view_class = CompanyRulesEditView
    history_view_class = CompanyRulesHistoryView
    list_display = with_yes_no_columns(
        CompanyRules, ["name", "yearly_quota_days", "approval_required"]
    )
    search_fields = None
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("yearly_quota_days"), FieldPanel("hours_per_day")]),
            FieldPanel("approval_required"),
            FieldPanel("hourly_valuation"),
            FieldPanel("fiscal_year_start_month"),
            FieldPanel("brand_colour"),
        ],
        base_form_class=CompanyRulesForm,
    )


@hooks.register("register_admin_viewset")
def register_people_viewset():
    return EmployeeProfileViewSet()


@hooks.register("register_admin_viewset")
def register_company_viewset():
    return CompanyViewSet()


@hooks.register("register_admin_viewset")
def register_company_rules_viewset():
    return CompanyRulesViewSet()


# ---- Account: e-mail, password and second factor live in allauth's pages ---------------------
# Wagtail's own e-mail and password panels are switched off in settings (they skip verification,
# the company's domains and the second factor); its account page links to allauth's instead.


@hooks.register("register_account_menu_item")
def change_email_link(request):
    return {
        "url": reverse("account_email"),
        "label": _("Change e-mail address"),
        "help_text": _("A new address must be of your company's domains and counts once verified."),
    }


@hooks.register("register_account_menu_item")
def change_password_link(request):
    return {
        "url": reverse("account_change_password"),
        "label": _("Change password"),
        "help_text": _("You will be asked for your current password."),
    }


@hooks.register("register_account_menu_item")
def two_factor_link(request):
    return {
        "url": reverse("mfa_index"),
        "label": _("Two-factor authentication"),
        "help_text": _("Protect your account with a code from an authenticator app."),
    }


# ---- The rest of Wagtail's admin, scoped to the user's company (portal/admin_scope.py) -------


class CompanyPagesAdminAPIViewSet(PagesAdminAPIViewSet):
    def get_base_queryset(self):
        return hide_other_companies_pages(super().get_base_queryset(), self.request.user)


class CompanyImagesAdminAPIViewSet(ImagesAdminAPIViewSet):
    def get_queryset(self):
        return scope_to_collections(super().get_queryset(), self.request.user, actions=CHOOSE)


class CompanyDocumentsAdminAPIViewSet(DocumentsAdminAPIViewSet):
    def get_queryset(self):
        return scope_to_collections(super().get_queryset(), self.request.user, actions=CHOOSE)


# After Wagtail's own registrations (its apps come later in INSTALLED_APPS), so these win.
@hooks.register("construct_admin_api", order=1000)
def scope_admin_api(router):
    router.register_endpoint("pages", CompanyPagesAdminAPIViewSet)
    router.register_endpoint("images", CompanyImagesAdminAPIViewSet)
    router.register_endpoint("documents", CompanyDocumentsAdminAPIViewSet)


@hooks.register("construct_image_chooser_queryset")
def scope_image_chooser(images, request):
    return scope_to_collections(images, request.user, actions=CHOOSE)


@hooks.register("construct_document_chooser_queryset")
def scope_document_chooser(documents, request):
    return scope_to_collections(documents, request.user, actions=CHOOSE)


@hooks.register("construct_reports_menu")
def hide_reports_from_company_users(request, menu_items):
    # Wagtail's reports list every company's pages, activity and users: platform admins only
    # (the views themselves answer 404 to others, see admin_scope.ALLOWED).
    if not request.user.is_superuser:
        menu_items[:] = []


@hooks.register("register_admin_viewset")
def register_sign_on_viewset():
    return SignOnViewSet()


@hooks.register("register_admin_viewset")
def register_fiscal_rules_viewset():
    from portal.fiscal_admin import FiscalParameterViewSet

    return FiscalParameterViewSet()
