"""Models of the missions app; `from missions.models import X` reaches every public name.

- `catalogue`: causes, skills, SDGs, associations, missions (Wagtail pages) and their sessions;
- `association_members`: the accounts of people acting for an association;
- `employee_skills`: the skills an employee says they have (mission suggestions);
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
from missions.models.employee_skills import EmployeeSkill
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
    "QUOTA_STATUSES",
    "REOPENABLE_STATUSES",
    "SEAT_HOLDING_STATUSES",
    "WORK_TIME_KINDS",
    "AssociationIndexPage",
    "AssociationMembership",
    "AssociationPage",
    "CalendarFeed",
    "Cause",
    "CompanyMissionsPage",
    "EmployeeSkill",
    "Enrolment",
    "EnrolmentEvent",
    "EnrolmentStatus",
    "Feedback",
    "MissionIndexPage",
    "MissionKind",
    "MissionPage",
    "MissionSession",
    "MissionSessionQuerySet",
    "SessionSeries",
    "Skill",
    "SustainableDevelopmentGoal",
]
