"""The missions panels of the employee's home page (builders named in CORDEE_HOME_PANELS)."""

from __future__ import annotations

from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from missions.selectors import home as reads
from missions.services.enrolment import quota_of
from portal.home import HomePanel


def next_sessions_panel(*, request, profile) -> HomePanel:
    return HomePanel(
        key="next_sessions",
        template="missions/home/next_sessions.html",
        context={"enrolments": reads.next_sessions(profile)},
    )


def hours_panel(*, request, profile) -> HomePanel:
    quota = quota_of(employee=profile)
    percent = None
    if quota.total_hours:
        percent = min(100, int(quota.used_hours * 100 // quota.total_hours))
    return HomePanel(
        key="hours",
        template="missions/home/hours.html",
        context={"hours": reads.hours_this_year(profile), "quota": quota, "percent": percent},
    )


def explain(suggestion: reads.Suggestion) -> str:
    """One line saying why a mission is suggested: "Because you know X and gave to Y."."""
    parts = []
    if suggestion.skills:
        parts.append(
            _("you know %(skills)s") % {"skills": get_text_list(suggestion.skills, _("and"))}
        )
    if suggestion.joined:
        parts.append(
            _("you volunteered with %(names)s")
            % {"names": get_text_list(suggestion.joined, _("and"))}
        )
    if suggestion.gave_to:
        parts.append(
            _("you gave to %(names)s") % {"names": get_text_list(suggestion.gave_to, _("and"))}
        )
    return _("Because %(reasons)s.") % {"reasons": get_text_list(parts, _("and"))}
