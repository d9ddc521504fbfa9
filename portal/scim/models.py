"""SCIM tokens (one or more per company, only their hash stored) and each person's SCIM link."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScimToken(models.Model):
    """A bearer token with which a company's identity provider provisions its people.

    The token itself is shown once, when it is created; only its SHA-256 hash is kept.
    """

    company = models.ForeignKey(
        "portal.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="scim_tokens",
    )
    label = models.CharField(
        _("label"), max_length=120, help_text=_("Which identity provider uses it, e.g. Entra ID.")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("SCIM token")
        verbose_name_plural = _("SCIM tokens")
        ordering = ["company", "-created_at"]

    def __str__(self) -> str:
        return f"{self.label} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ScimAccount(models.Model):
    """What the identity provider calls a person: its userName and its own id (externalId).

    The SCIM id of a person is their EmployeeProfile's id.
    """

    profile = models.OneToOneField(
        "portal.EmployeeProfile",
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="scim_account",
    )
    user_name = models.CharField(_("SCIM user name"), max_length=254, blank=True)
    external_id = models.CharField(_("external id"), max_length=254, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SCIM account")
        verbose_name_plural = _("SCIM accounts")

    def __str__(self) -> str:
        return self.user_name or str(self.profile_id)
