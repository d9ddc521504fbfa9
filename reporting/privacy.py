"""What reporting holds on a person: the impact reports they asked for (nothing else is theirs).

The reporting contributor to `settings.CORDEE_PERSONAL_DATA`. Reports hold figures about the
company, never a person's name; archived reports are never rewritten, so erasure changes
nothing here (the `requested_by` link then points at the pseudonymised account).
"""

from __future__ import annotations

from portal.models import EmployeeProfile
from reporting.models import ImpactReport


def export(profile: EmployeeProfile) -> dict[str, list[dict]]:
    return {
        "impact_reports_requested": [
            {
                "id": report.pk,
                "period_start": report.period_start,
                "period_end": report.period_end,
                "language": report.language,
                "status": report.status,
                "requested_at": report.created_at,
            }
            for report in ImpactReport.objects.filter(requested_by=profile.user_id).order_by(
                "created_at", "pk"
            )
        ]
    }


def erase(profile: EmployeeProfile) -> dict[str, int]:
    return {}
