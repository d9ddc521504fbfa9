"""Platform admins' SCIM tokens in the Django admin: created with the secret shown once."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from portal.scim import services
from portal.scim.models import ScimToken


@admin.register(ScimToken)
class ScimTokenAdmin(admin.ModelAdmin):
    list_display = ["label", "company", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["company"]
    fields = ["company", "label"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return ["company", "label"] if obj is None else ["company", "label", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["company", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["label"])
            return
        token, secret = services.create_token(
            company=obj.company, label=obj.label, created_by=request.user
        )
        obj.pk = token.pk
        obj.refresh_from_db()
        messages.warning(
            request,
            _("Copy this token now, it will not be shown again: %(secret)s") % {"secret": secret},
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.revoke_token(token=token)
