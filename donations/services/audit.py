"""The append-only money audit log."""

from __future__ import annotations

from django.db import models

from donations.models import AuditEntry


def log_action(
    *, action: str, obj: models.Model, actor=None, company=None, data: dict | None = None
) -> AuditEntry:
    return AuditEntry.objects.create(
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        company=company,
        data=data or {},
    )
