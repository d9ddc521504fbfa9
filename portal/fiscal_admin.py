"""Wagtail admin of the fiscal parameters (platform admins only): the dated rules and their texts.

A value already in force is history: statements, ledgers and receipts of past periods were
computed with it (and stored snapshots name it). So once a row's `valid_from` has come, its
rule, date and value are locked: a change in the law is a new row with its own `valid_from`;
only the reference, the note and the "verified" flag of a row in force can still be corrected
(they change no figure). A row in force cannot be deleted either. A row dated in the future is
freely edited or deleted until its day comes.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from portal.fiscal import FiscalParameter

LOCKED_FIELDS = ("key", "valid_from", "value")


def is_in_force(parameter: FiscalParameter) -> bool:
    """The row has applied on some day already (its figures may be in past documents)."""
    return parameter.pk is not None and parameter.valid_from <= timezone.localdate()


class PlatformAdminsOnly(BasePermissionPolicy):
    """Superusers only; and no one deletes a value that has applied."""

    def user_has_permission(self, user, action):
        return bool(user.is_active and user.is_superuser)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete" and is_in_force(instance):
            return False
        return self.user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_permission(user, "view"):
            return FiscalParameter.objects.all()
        return FiscalParameter.objects.none()

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(is_active=True, is_superuser=True)


fiscal_policy = PlatformAdminsOnly(FiscalParameter)
register_permission_policy(FiscalParameter, fiscal_policy)


class FiscalParameterForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locked = is_in_force(self.instance)
        if self.locked:
            for name in LOCKED_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _(
                        "In force since this date: statements and ledgers used it. To change "
                        "the rule, add a new value with the date it applies from."
                    )

    def clean(self):
        data = super().clean()
        if self.locked:
            # Disabled fields already ignore what is posted; this guards a form built otherwise.
            original = FiscalParameter.objects.get(pk=self.instance.pk)
            for name in LOCKED_FIELDS:
                if name in data and data[name] != getattr(original, name):
                    raise ValidationError(
                        _(
                            "A value in force is never changed: add a new value with the date "
                            "it applies from."
                        )
                    )
        return data


class FiscalParameterDeleteView(generic.DeleteView):
    """The generic view checks the model permission only: a value in force is refused here."""

    def dispatch(self, request, *args, **kwargs):
        if is_in_force(self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class FiscalParameterViewSet(ModelViewSet):
    model = FiscalParameter
    icon = "form"
    menu_label = _("Fiscal rules")
    menu_order = 270
    add_to_admin_menu = True
    url_prefix = "fiscal-rules"
    name = "fiscal_rules"
    permission_policy = fiscal_policy
    delete_view_class = FiscalParameterDeleteView
    copy_view_enabled = True
    inspect_view_enabled = True
    list_filter = ["key", "is_verified"]
    search_fields = ["reference", "note"]
    search_backend_name = None
    list_display = [
        Column("key", label=_("rule"), accessor="get_key_display"),
        Column("value", label=_("value"), accessor="display_value"),
        Column("valid_from", label=_("applies from")),
        Column("reference", label=_("legal reference")),
        BooleanColumn("is_verified", label=_("verified")),
        Column("note", label=_("note")),
    ]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("key"), FieldPanel("valid_from"), FieldPanel("value")]),
            FieldPanel("reference"),
            FieldPanel("is_verified"),
            FieldPanel("note"),
        ],
        base_form_class=FiscalParameterForm,
    )
