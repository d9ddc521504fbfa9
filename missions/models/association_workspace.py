"""The association workspace's records: invitations, feedback on volunteers and on companies."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from missions.models.association_members import AssociationMembership


class AssociationInvitation(models.Model):
    """An invitation to act for an association, sent by e-mail as a signed, single-use link.

    The link signs the invitation's id and `nonce`; accepting (or revoking) sets the dates that
    make the link dead, and the signature's age is checked against `expires_at` as well.
    """

    association = models.ForeignKey(
        "missions.AssociationPage",
        verbose_name=_("association"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=AssociationMembership.Role.choices,
        default=AssociationMembership.Role.MEMBER,
    )
    nonce = models.CharField(max_length=32)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("association invitation")
        verbose_name_plural = _("association invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.association_id}"


class VolunteerFeedback(models.Model):
    """What the association says about one volunteer's enrolment (short; seen by their CSR team)."""

    enrolment = models.OneToOneField(
        "missions.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="association_feedback",
    )
    rating = models.PositiveSmallIntegerField(
        _("rating (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("feedback on a volunteer")
        verbose_name_plural = _("feedback on volunteers")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="volunteer_feedback_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} · {self.rating}/5"


class CompanyFeedback(models.Model):
    """What the association says about working with a company, for one session (or a mission)."""

    association = models.ForeignKey(
        "missions.AssociationPage",
        verbose_name=_("association"),
        on_delete=models.CASCADE,
        related_name="company_feedback",
    )
    company = models.ForeignKey(
        "portal.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="association_feedback",
    )
    mission = models.ForeignKey(
        "missions.MissionPage",
        verbose_name=_("mission"),
        on_delete=models.CASCADE,
        related_name="company_feedback",
    )
    session = models.ForeignKey(
        "missions.MissionSession",
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="company_feedback",
    )
    rating = models.PositiveSmallIntegerField(
        _("rating (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("feedback on a company")
        verbose_name_plural = _("feedback on companies")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="company_feedback_rating_1_to_5"
            ),
            models.UniqueConstraint(
                fields=["association", "company", "session"],
                condition=Q(session__isnull=False),
                name="company_feedback_once_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.association_id} → {self.company_id} · {self.rating}/5"
