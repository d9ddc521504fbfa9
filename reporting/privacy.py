"""What reporting holds on a person: the impact reports they asked for (nothing else is theirs).

The reporting contributor to `settings.CORDEE_PERSONAL_DATA`. Reports hold figures about the
company, never a person's name; archived reports are never rewritten, so erasure changes
nothing here (the `requested_by` link then points at the pseudonymised account); an officer's
"feedback read" mark is deleted.
"""

from __future__ import annotations

from portal.models import EmployeeProfile
from reporting.models import FeedbackReadMark, ImpactReport


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
        ],
        # As a CSR officer: up to when they marked their company's feedback as read.
        "feedback_read_mark": [
            {"feedback_read_up_to": mark.read_at}
            for mark in FeedbackReadMark.objects.filter(profile=profile)
        ],
    }


def erase(profile: EmployeeProfile) -> dict[str, int]:
    # A bookmark of the officer's to-do list, nothing the company needs.
    return {"feedback_read_mark": FeedbackReadMark.objects.filter(profile=profile).delete()[0]}


PERSON_FIELDS = {
    "reporting.ImpactReport.requested_by": "impact_reports_requested",
    "reporting.FeedbackReadMark.profile": "feedback_read_mark",
}
NOT_EXPORTED = {
    "reporting.ImpactReport.error": "a technical error message",
    # The report's aggregates: sums rebuilt from the gifts and enrolments that the donations
    # and missions exports already hold; they name the person only by id, for distinct counts.
    "reporting.GiftFigures.donor": "a sum of the gifts exported as donations",
    "reporting.VolunteerFigures.employee": "a sum of the hours exported as enrolments",
}
