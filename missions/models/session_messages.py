"""Messages a CSR officer writes to the participants of one session, and the log of them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from missions.models.catalogue import MissionSession


class SessionMessage(models.Model):
    """One message to the officer's company's participants of a session: who wrote what, to how
    many, when. The recipients are fixed when it is written; the task sends it once."""

    session = models.ForeignKey(
        MissionSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="messages"
    )
    # An open mission's session gathers several companies' people: each officer writes to their
    # own company's only, and sees only their company's log.
    company = models.ForeignKey(
        "portal.Company", verbose_name=_("company"), on_delete=models.CASCADE, related_name="+"
    )
    sent_by = models.ForeignKey(
        "portal.EmployeeProfile",
        verbose_name=_("sent by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("message"), max_length=5000)
    include_waitlisted = models.BooleanField(_("waitlisted people too"), default=False)
    recipient_ids = models.JSONField(_("recipients (profile ids)"), default=list)
    recipient_count = models.PositiveIntegerField(_("number of recipients"), default=0)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message to participants")
        verbose_name_plural = _("messages to participants")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["session", "company", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_count__gte=1), name="session_message_has_recipients"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id} · {self.subject}"
