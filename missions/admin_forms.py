"""The mission editor's form: sessions that people enrolled in cannot be removed by mistake."""

from __future__ import annotations

from django.db.models import Count
from django.utils import formats, timezone
from django.utils.translation import ngettext
from wagtail.admin.forms import WagtailAdminPageForm


class MissionPageForm(WagtailAdminPageForm):
    """Removing a session from the editor would delete its enrolments (hours, feedback, history)
    with it, and tell nobody: such a session is refused with the reason, and nothing is saved."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        sessions = self.formsets.get("sessions")
        if sessions is None or not sessions.is_bound or not sessions.is_valid():
            return valid
        doomed = {f.instance.pk: f.instance for f in sessions.deleted_forms if f.instance.pk}
        if not doomed:
            return valid
        from missions.models import Enrolment

        counts = dict(
            Enrolment.objects.filter(session_id__in=doomed)
            .values_list("session_id")
            .annotate(n=Count("pk"))
        )
        for session_id, count in sorted(counts.items()):
            start = formats.date_format(
                timezone.localtime(doomed[session_id].start), "SHORT_DATETIME_FORMAT"
            )
            self.add_error(
                None,
                ngettext(
                    "The session of %(start)s has %(count)s enrolment: removing it would delete "
                    "that record and tell nobody. Keep the session.",
                    "The session of %(start)s has %(count)s enrolments: removing it would delete "
                    "those records and tell nobody. Keep the session.",
                    count,
                )
                % {"start": start, "count": count},
            )
        return valid and not counts
