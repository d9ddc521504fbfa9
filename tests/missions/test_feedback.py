"""The post-session survey: only after attendance, once, with every answer kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from missions.exceptions import FeedbackNotOpen
from missions.models import Enrolment, EnrolmentStatus, Feedback
from missions.services.feedback import give_feedback
from tests.factories import SkillFactory
from tests.missions.engagement_helpers import past_session

pytestmark = pytest.mark.django_db
S = EnrolmentStatus


def _enrolment(employee, company, status):
    return Enrolment.objects.create(
        employee=employee, session=past_session(company), status=status, hours=7
    )


def test_feedback_page_saves_every_answer(client, employee_a, company_a):
    enrolment = _enrolment(employee_a, company_a, S.ATTENDED)
    skill = SkillFactory(name="Teaching", slug="teaching")
    client.force_login(employee_a.user)
    url = reverse("missions:feedback", args=[enrolment.pk])
    assert client.get(url).status_code == 200
    client.post(
        url,
        {
            "satisfaction": "5",
            "meaning": "4",
            "skills": [skill.pk],
            "other_skills": "Patience",
            "would_recommend": "on",
            "comment": "Lovely team",
            "consent_to_quote": "on",
        },
    )
    feedback = Feedback.objects.get(enrolment=enrolment)
    assert (feedback.satisfaction, feedback.meaning, feedback.would_recommend) == (5, 4, True)
    assert list(feedback.skills_developed.all()) == [skill]
    assert feedback.other_skills == "Patience" and feedback.consent_to_quote


def test_scores_outside_one_to_five_are_refused(client, employee_a, company_a):
    enrolment = _enrolment(employee_a, company_a, S.ATTENDED)
    client.force_login(employee_a.user)
    client.post(
        reverse("missions:feedback", args=[enrolment.pk]), {"satisfaction": "9", "meaning": "0"}
    )
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("status", [S.CONFIRMED, S.NO_SHOW, S.CANCELLED])
def test_feedback_is_closed_unless_attended(employee_a, company_a, status):
    enrolment = _enrolment(employee_a, company_a, status)
    with pytest.raises(FeedbackNotOpen):
        give_feedback(
            employee=employee_a,
            enrolment_id=enrolment.pk,
            satisfaction=3,
            meaning=3,
            would_recommend=True,
        )


def test_feedback_is_given_once(employee_a, company_a):
    enrolment = _enrolment(employee_a, company_a, S.ATTENDED)
    answer = {"satisfaction": 3, "meaning": 3, "would_recommend": False}
    give_feedback(employee=employee_a, enrolment_id=enrolment.pk, **answer)
    with pytest.raises(FeedbackNotOpen):
        give_feedback(employee=employee_a, enrolment_id=enrolment.pk, **answer)
    assert Feedback.objects.count() == 1
