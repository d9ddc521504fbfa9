"""Manager approval: who decides, one-click signed links, the approvals page, expiry."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from missions.exceptions import AlreadyDecided, ApprovalExpired, NotAllowed
from missions.models import Enrolment, EnrolmentStatus
from missions.services import approval_links
from missions.services.enrolment import decide, enrol, expire_overdue_requests
from missions.tasks import expire_overdue_requests as expire_task
from tests.missions.engagement_helpers import attachment_names, colleague, open_session

pytestmark = pytest.mark.django_db
S = EnrolmentStatus


@pytest.fixture
def manager_a(company_a):
    return colleague(company_a, email="manon@alpha.example", first_name="Manon")


@pytest.fixture
def report_a(company_a, manager_a):
    return colleague(company_a, email="rita@alpha.example", first_name="Rita", manager=manager_a)


def _pending(report, company, **fields):
    session = open_session(company, approval=True, **fields)
    return enrol(employee=report, session_id=session.pk)


def test_manager_approval_confirms_and_tells_the_employee_with_the_invitation(
    report_a, manager_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = _pending(report_a, company_a)
    to_manager = [m for m in mailoutbox if m.to == [manager_a.user.email]]
    assert len(to_manager) == 1 and to_manager[0].body.count("/approvals/link/") == 2
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(approver=manager_a, enrolment_id=enrolment.pk, approve=True)
    enrolment.refresh_from_db()
    assert enrolment.status == S.CONFIRMED and enrolment.decided_by == manager_a
    (message,) = mailoutbox
    assert message.to == [report_a.user.email]
    assert attachment_names(message) == ["invitation.ics"]


def test_decline_frees_the_seat_for_the_waitlist_and_gives_the_reason(
    report_a, manager_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    enrolment = _pending(report_a, company_a, seats=1)
    waiting = colleague(company_a, manager=manager_a)
    enrol(employee=waiting, session_id=enrolment.session_id, waitlist_if_full=True)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(approver=manager_a, enrolment_id=enrolment.pk, approve=False, reason="Busy week")
    enrolment.refresh_from_db()
    assert enrolment.status == S.DECLINED and enrolment.decision_reason == "Busy week"
    assert Enrolment.objects.get(employee=waiting).status == S.PENDING_APPROVAL
    declined_mail = next(m for m in mailoutbox if m.to == [report_a.user.email])
    assert "Busy week" in declined_mail.body


def test_a_manager_cannot_decide_for_someone_who_is_not_their_report(
    report_a, company_a, company_b
):
    enrolment = _pending(report_a, company_a)
    other_manager = colleague(company_a)
    colleague(company_a, manager=other_manager)
    with pytest.raises(NotAllowed):
        decide(approver=other_manager, enrolment_id=enrolment.pk, approve=True)
    csr = colleague(company_a, is_csr_officer=True)
    with pytest.raises(NotAllowed):  # the report has a manager: theirs is the decision
        decide(approver=csr, enrolment_id=enrolment.pk, approve=True)
    enrolment.refresh_from_db()
    assert enrolment.status == S.PENDING_APPROVAL


def test_employee_without_manager_is_approved_by_a_csr_officer(employee_a, csr_a, company_a):
    enrolment = _pending(employee_a, company_a)
    with pytest.raises(NotAllowed):
        decide(approver=colleague(company_a), enrolment_id=enrolment.pk, approve=True)
    decide(approver=csr_a, enrolment_id=enrolment.pk, approve=True)
    enrolment.refresh_from_db()
    assert enrolment.status == S.CONFIRMED


def test_csr_officer_of_b_cannot_approve_for_a(employee_a, csr_b, company_a):
    enrolment = _pending(employee_a, company_a)
    with pytest.raises(NotAllowed):
        decide(approver=csr_b, enrolment_id=enrolment.pk, approve=True)


def test_deciding_twice_is_refused(report_a, manager_a, company_a):
    enrolment = _pending(report_a, company_a)
    decide(approver=manager_a, enrolment_id=enrolment.pk, approve=True)
    with pytest.raises(AlreadyDecided):
        decide(approver=manager_a, enrolment_id=enrolment.pk, approve=False)


def test_expired_request_frees_its_seat_and_promotes_the_waitlist(
    report_a, manager_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    enrolment = _pending(report_a, company_a, seats=1)
    waiting = colleague(company_a)
    enrol(employee=waiting, session_id=enrolment.session_id, waitlist_if_full=True)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        approval_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(ApprovalExpired):
        decide(approver=manager_a, enrolment_id=enrolment.pk, approve=True)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_task.delay().get() == 1
    enrolment.refresh_from_db()
    assert enrolment.status == S.EXPIRED
    # The company asks for approval: the promoted request waits for its own decision.
    assert Enrolment.objects.get(employee=waiting).status == S.PENDING_APPROVAL
    assert {m.to[0] for m in mailoutbox} >= {report_a.user.email, waiting.user.email}
    assert expire_overdue_requests() == []  # idempotent


def test_expiry_task_is_scheduled_by_celery_beat(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "missions.expire_overdue_requests",
        "missions.send_session_reminders",
        "missions.record_attendance_after_grace",
    } <= tasks


# ---------------------------------------------------------------------------- links


def _links_from(mailoutbox, approver):
    body = next(m.body for m in mailoutbox if m.to == [approver.user.email])
    return re.findall(r"http://\S+/approvals/link/\S+/", body)


def _path(url):
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_one_click_link_from_the_email_approves(
    client, report_a, manager_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = _pending(report_a, company_a)
    approve_url, _ = _links_from(mailoutbox, manager_a)
    # Opening the link (what mail scanners do) decides nothing; the button does.
    assert client.get(_path(approve_url)).status_code == 200
    enrolment.refresh_from_db()
    assert enrolment.status == S.PENDING_APPROVAL
    response = client.post(_path(approve_url))
    assert response.status_code == 200
    enrolment.refresh_from_db()
    assert enrolment.status == S.CONFIRMED and enrolment.decided_by == manager_a


def test_a_used_link_does_nothing(
    client, report_a, manager_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = _pending(report_a, company_a)
    approve_url, decline_url = _links_from(mailoutbox, manager_a)
    client.post(_path(approve_url))
    assert client.post(_path(decline_url)).status_code == 410
    assert client.post(_path(approve_url)).status_code == 410
    enrolment.refresh_from_db()
    assert enrolment.status == S.CONFIRMED


def test_a_link_from_an_earlier_request_for_the_same_seat_does_nothing(
    client, report_a, manager_a, company_a
):
    enrolment = _pending(report_a, company_a)
    old = approval_links.make_token(enrolment=enrolment, approver=manager_a, action="approve")
    from missions.services.enrolment import cancel

    cancel(employee=report_a, enrolment_id=enrolment.pk)
    enrol(employee=report_a, session_id=enrolment.session_id)
    response = client.post(reverse("missions:approval_link", args=[old]))
    assert response.status_code == 410
    enrolment.refresh_from_db()
    assert enrolment.status == S.PENDING_APPROVAL


def test_a_tampered_link_does_nothing(client, report_a, manager_a, company_a):
    enrolment = _pending(report_a, company_a)
    token = approval_links.make_token(enrolment=enrolment, approver=manager_a, action="decline")
    forged_payload = signing.TimestampSigner(salt="another-salt").sign_object(
        {"e": enrolment.pk, "a": manager_a.pk, "d": "approve", "n": enrolment.approval_nonce}
    )
    for bad in [token[:-2] + "xx", forged_payload, "garbage"]:
        assert client.post(reverse("missions:approval_link", args=[bad])).status_code == 410
    enrolment.refresh_from_db()
    assert enrolment.status == S.PENDING_APPROVAL


def test_a_link_for_someone_no_longer_their_manager_does_nothing(
    client, report_a, manager_a, company_a
):
    enrolment = _pending(report_a, company_a)
    token = approval_links.make_token(enrolment=enrolment, approver=manager_a, action="approve")
    report_a.manager = colleague(company_a)
    report_a.save()
    assert client.post(reverse("missions:approval_link", args=[token])).status_code == 410
    enrolment.refresh_from_db()
    assert enrolment.status == S.PENDING_APPROVAL


def test_an_expired_link_does_nothing(client, report_a, manager_a, company_a, monkeypatch):
    enrolment = _pending(report_a, company_a)
    token = approval_links.make_token(enrolment=enrolment, approver=manager_a, action="approve")
    monkeypatch.setattr(approval_links, "link_max_age", lambda: dt.timedelta(seconds=-1))
    assert client.post(reverse("missions:approval_link", args=[token])).status_code == 410
    enrolment.refresh_from_db()
    assert enrolment.status == S.PENDING_APPROVAL


# ---------------------------------------------------------------------------- page


def test_approvals_page_lists_only_my_reports_and_decides_in_bulk(
    client, report_a, manager_a, company_a
):
    mine = [_pending(report_a, company_a) for _ in range(2)]
    stranger = _pending(colleague(company_a, manager=colleague(company_a)), company_a)
    client.force_login(manager_a.user)
    response = client.get(reverse("missions:approvals"))
    assert {e.pk for e in response.context["pending"]} == {e.pk for e in mine}
    client.post(
        reverse("missions:approvals"),
        {
            "enrolment": [mine[0].pk, mine[1].pk, stranger.pk],
            "decision": "decline",
            "reason": "Quarter close",
        },
    )
    statuses = dict(Enrolment.objects.values_list("pk", "status"))
    assert statuses[mine[0].pk] == statuses[mine[1].pk] == S.DECLINED
    assert statuses[stranger.pk] == S.PENDING_APPROVAL


def test_csr_officer_of_b_sees_none_of_as_approvals(client, employee_a, csr_b, company_a):
    enrolment = _pending(employee_a, company_a)
    client.force_login(csr_b.user)
    assert client.get(reverse("missions:approvals")).context["pending"] == []
    client.post(reverse("missions:approvals"), {"enrolment": [enrolment.pk], "decision": "approve"})
    enrolment.refresh_from_db()
    assert enrolment.status == S.PENDING_APPROVAL


def test_csr_officer_sees_requests_of_employees_without_manager(
    client, employee_a, csr_a, company_a
):
    enrolment = _pending(employee_a, company_a)
    client.force_login(csr_a.user)
    assert [e.pk for e in client.get(reverse("missions:approvals")).context["pending"]] == [
        enrolment.pk
    ]
