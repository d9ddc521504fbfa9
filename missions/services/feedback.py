"""The post-session survey: one answer per attended enrolment."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from missions.exceptions import FeedbackNotOpen, NotAllowed
from missions.models import Enrolment, EnrolmentStatus, Feedback, Skill
from portal.models import EmployeeProfile


def feedback_open(enrolment: Enrolment) -> bool:
    return (
        enrolment.status == EnrolmentStatus.ATTENDED
        and not Feedback.objects.filter(enrolment=enrolment).exists()
    )


@transaction.atomic
def give_feedback(
    *,
    employee: EmployeeProfile,
    enrolment_id: int,
    satisfaction: int,
    meaning: int,
    would_recommend: bool,
    skills: list[Skill] | None = None,
    other_skills: str = "",
    comment: str = "",
    consent_to_quote: bool = False,
) -> Feedback:
    enrolment = Enrolment.objects.filter(pk=enrolment_id, employee=employee).first()
    if enrolment is None:
        raise NotAllowed
    if not feedback_open(enrolment):
        raise FeedbackNotOpen
    if not (1 <= satisfaction <= 5 and 1 <= meaning <= 5):
        raise ValueError("scores go from 1 to 5")
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                enrolment=enrolment,
                satisfaction=satisfaction,
                meaning=meaning,
                would_recommend=would_recommend,
                other_skills=other_skills.strip()[:300],
                comment=comment.strip(),
                consent_to_quote=consent_to_quote,
            )
    except IntegrityError:
        raise FeedbackNotOpen from None  # answered twice at once
    if skills:
        feedback.skills_developed.set(skills)
    return feedback
