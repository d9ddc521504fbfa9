"""Models of the missions app; `from missions.models import X` reaches every public name.

- `catalogue`: causes, skills, SDGs, associations, missions (Wagtail pages) and their sessions;
- `association_members`: the accounts of people acting for an association;
- `community`: self-reported hours and associations proposed by employees;
- `engagement`: enrolments and their life cycle, feedback, calendar feeds and session series.
"""

from missions.models.association_members import AssociationMembership
from missions.models.catalogue import (
    WORK_TIME_KINDS,
    AssociationIndexPage,
    AssociationPage,
    Cause,
    CompanyMissionsPage,
    MissionIndexPage,
    MissionKind,
    MissionPage,
    MissionSession,
    MissionSessionQuerySet,
    Skill,
    SustainableDevelopmentGoal,
)
from missions.models.community import (
    MAX_SELF_REPORTED_HOURS,
    MIN_SELF_REPORTED_HOURS,
    AssociationProposal,
    SelfReportedHours,
)
from missions.models.engagement import (
    QUOTA_STATUSES,
    REOPENABLE_STATUSES,
    SEAT_HOLDING_STATUSES,
    CalendarFeed,
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    Feedback,
    SessionSeries,
)

__all__ = [
    "MAX_SELF_REPORTED_HOURS",
    "MIN_SELF_REPORTED_HOURS",
    "QUOTA_STATUSES",
    "REOPENABLE_STATUSES",
    "SEAT_HOLDING_STATUSES",
    "WORK_TIME_KINDS",
    "AssociationIndexPage",
    "AssociationMembership",
    "AssociationPage",
    "AssociationProposal",
    "CalendarFeed",
    "Cause",
    "CompanyMissionsPage",
    "Enrolment",
    "EnrolmentEvent",
    "EnrolmentStatus",
    "Feedback",
    "MissionIndexPage",
    "MissionKind",
    "MissionPage",
    "MissionSession",
    "MissionSessionQuerySet",
    "SelfReportedHours",
    "SessionSeries",
    "Skill",
    "SustainableDevelopmentGoal",
]
