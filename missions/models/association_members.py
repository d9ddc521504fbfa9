"""People who act for an association: its own accounts in the association workspace."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AssociationMembership(models.Model):
    """A user who acts for one association (a user may act for several, never for a company).

    Association people have no `EmployeeProfile`: they see only their association's missions,
    rosters, money and receipts, whatever URL they type.
    """

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator (invites others, receipts, signature)")
        MEMBER = "member", _("Member (rosters and attendance)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="association_memberships",
    )
    association = models.ForeignKey(
        "missions.AssociationPage",
        verbose_name=_("association"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("association member")
        verbose_name_plural = _("association members")
        ordering = ["association", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "association"], name="association_membership_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.association_id}"
