"""Models of the missions app; `from missions.models import X` reaches every public name.

- `catalogue`: causes, skills, SDGs, associations, missions (Wagtail pages) and their sessions;
- `association_members`: the accounts of people acting for an association;
- `association_workspace`: their invitations and their feedback on volunteers and companies;
- `engagement`: enrolments and their life cycle, feedback, calendar feeds and session series;
- `session_messages`: what CSR officers wrote to a session's participants;
- `employee_skills`: the skills an employee says they have (mission suggestions);
- `community`: self-reported hours and associations proposed by employees.
"""

from missions.models.association_members import AssociationMembership
from missions.models.association_workspace import (
    AssociationInvitation,
    CompanyFeedback,
    VolunteerFeedback,
)
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
from missions.models.session_messages import SessionMessage

__all__ = [
    "MAX_SELF_REPORTED_HOURS",
    "MIN_SELF_REPORTED_HOURS",
    "QUOTA_STATUSES",
    "REOPENABLE_STATUSES",
    "SEAT_HOLDING_STATUSES",
    "WORK_TIME_KINDS",
    "AssociationIndexPage",
    "AssociationInvitation",
    "AssociationMembership",
    "AssociationPage",
    "AssociationProposal",
    "CalendarFeed",
    "Cause",
    "CompanyFeedback",
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
    "SelfReportedHours",
    "SessionMessage",
    "SessionSeries",
    "Skill",
    "SustainableDevelopmentGoal",
    "VolunteerFeedback",
]
