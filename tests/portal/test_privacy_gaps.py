"""Personal data the export and erasure used to miss: messages to participants, the feedback
read mark, pay rows, and association members (accounts without an employee profile)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from donations.models import CompanyGift
from donations.services.skills_gifts import sync_skills_sponsorship_gifts
from missions.models import (
    AssociationInvitation,
    AssociationMembership,
    CompanyFeedback,
    Enrolment,
    EnrolmentStatus,
    MissionKind,
    SessionMessage,
    VolunteerFeedback,
)
from missions.services.session_messages import message_participants
from portal.models import EmployeePay, PrivacyAuditEntry
from portal.privacy import contributors, selectors, services
from reporting.models import FeedbackReadMark
from tests.factories import (
    PASSWORD,
    make_association,
    make_association_member,
    make_employee,
    make_mission,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_tree")]


def _erase(profile):
    return services.erase_person(profile=profile, actor=profile.user, reason="self")


# --- messages to a session's participants --------------------------------------------------------


@pytest.fixture
def session_with_messages(company_a, company_b, csr_a):
    """An open mission's session: two of Alpha's people and one of Beta's; each company's
    officer wrote to their own people."""
    mission = make_mission(company=None, association=make_association(), visibility="all")
    session = mission.sessions.get()
    alice = make_employee(company_a, first_name="Alice")
    arthur = make_employee(company_a, first_name="Arthur")
    bea = make_employee(company_b, first_name="Bea")
    csr_b = make_employee(company_b, is_csr_officer=True)
    for person in (alice, arthur, bea):
        Enrolment.objects.create(employee=person, session=session, status=EnrolmentStatus.CONFIRMED)
    to_alpha = message_participants(
        officer=csr_a, session_id=session.pk, subject="Meeting point", body="Gate B at 9."
    )
    to_beta = message_participants(
        officer=csr_b, session_id=session.pk, subject="Beta only", body="Bring boots."
    )
    return {"alice": alice, "arthur": arthur, "bea": bea, "alpha": to_alpha, "beta": to_beta}


def test_export_holds_messages_received_and_written(session_with_messages, csr_a):
    alice = session_with_messages["alice"]
    received = contributors.export_tables(alice)["session_messages_received"]
    # Alpha's message only: Beta's, to the same session, was not for her.
    assert [(row["subject"], row["message"]) for row in received] == [
        ("Meeting point", "Gate B at 9.")
    ]
    written = contributors.export_tables(csr_a)["session_messages_written"]
    assert [(row["subject"], row["recipients"]) for row in written] == [("Meeting point", 2)]
    assert contributors.export_tables(csr_a)["session_messages_received"] == []


def test_erasing_a_recipient_removes_their_id_only(session_with_messages):
    alice, arthur = session_with_messages["alice"], session_with_messages["arthur"]
    to_alpha = session_with_messages["alpha"]
    entry = _erase(alice)
    to_alpha.refresh_from_db()
    assert to_alpha.recipient_ids == [arthur.pk]
    assert to_alpha.recipient_count == 2  # the message's history
    assert entry.details["session_messages_received"] == 1
    assert contributors.export_tables(arthur)["session_messages_received"] != []
    assert contributors.export_tables(alice)["session_messages_received"] == []
    _erase(alice)  # idempotent
    to_alpha.refresh_from_db()
    assert to_alpha.recipient_ids == [arthur.pk]


def test_erasing_the_author_keeps_the_message_without_them(session_with_messages, csr_a):
    csr_a.leave_date = dt.date(2026, 1, 31)
    csr_a.save()
    _erase(csr_a)
    message = SessionMessage.objects.get(pk=session_with_messages["alpha"].pk)
    assert message.sent_by is None
    assert (message.subject, message.body) == ("Meeting point", "Gate B at 9.")
    other = SessionMessage.objects.get(pk=session_with_messages["beta"].pk)
    assert other.sent_by is not None


# --- the feedback read mark ---------------------------------------------------------------------


def test_feedback_read_mark_is_exported_and_erased(csr_a, company_b):
    other = make_employee(company_b, is_csr_officer=True)
    FeedbackReadMark.objects.create(profile=csr_a, read_at=timezone.now())
    FeedbackReadMark.objects.create(profile=other, read_at=timezone.now())
    assert len(contributors.export_tables(csr_a)["feedback_read_mark"]) == 1
    assert contributors.export_tables(make_employee(csr_a.company))["feedback_read_mark"] == []
    _erase(csr_a)
    assert not FeedbackReadMark.objects.filter(profile=csr_a).exists()
    assert FeedbackReadMark.objects.filter(profile=other).exists()


# --- pay ------------------------------------------------------------------------------------------


def _pay(profile, day, gross):
    return EmployeePay.objects.create(
        profile=profile,
        valid_from=day,
        monthly_gross_cents=gross,
        monthly_employer_contributions_cents=gross // 2,
        source="upload",
    )


@pytest.fixture
def paid_volunteer(company_a):
    """Pay rows from 2025, 2026-01 and 2026-09; a skills sponsorship session on 10 June 2026
    (valued on the 2026-01 row)."""
    person = make_employee(company_a, leave_date=dt.date(2026, 10, 31))
    _pay(person, dt.date(2025, 1, 1), 300_000)
    _pay(person, dt.date(2026, 1, 1), 320_000)
    _pay(person, dt.date(2026, 9, 1), 340_000)
    mission = make_mission(
        company=company_a,
        association=make_association(),
        kind=MissionKind.SKILLS_SPONSORSHIP,
        start=dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC),
    )
    Enrolment.objects.create(
        employee=person,
        session=mission.sessions.get(),
        status=EnrolmentStatus.ATTENDED,
        hours=Decimal(7),
    )
    sync_skills_sponsorship_gifts(company=company_a)
    return person


def test_export_holds_the_persons_own_pay_rows(paid_volunteer, company_a):
    colleague = make_employee(company_a)
    _pay(colleague, dt.date(2026, 1, 1), 999_000)
    rows = contributors.export_tables(paid_volunteer)["pay"]
    assert [(r["applies_from"], r["monthly_gross_cents"]) for r in rows] == [
        (dt.date(2025, 1, 1), 300_000),
        (dt.date(2026, 1, 1), 320_000),
        (dt.date(2026, 9, 1), 340_000),
    ]
    gifts = contributors.export_tables(paid_volunteer)["company_gifts_from_you"]
    assert [g["given_on"] for g in gifts] == [dt.date(2026, 6, 10)]
    assert contributors.export_tables(colleague)["company_gifts_from_you"] == []


def test_erasure_keeps_the_pay_a_tax_record_was_valued_on_and_deletes_the_rest(
    paid_volunteer, company_a
):
    colleague = make_employee(company_a)
    _pay(colleague, dt.date(2025, 1, 1), 250_000)
    gift = CompanyGift.objects.get(employee=paid_volunteer)
    entry = _erase(paid_volunteer)
    assert entry.details["pay_rows"] == 2
    assert list(
        EmployeePay.objects.filter(profile=paid_volunteer).values_list("valid_from", flat=True)
    ) == [dt.date(2026, 1, 1)]
    assert EmployeePay.objects.filter(profile=colleague).count() == 1
    # The next sync finds the same pay: the declared gift is not re-valued nor cancelled.
    result = sync_skills_sponsorship_gifts(company=company_a)
    assert (result.unchanged, result.revalued, result.cancelled) == (1, 0, 0)
    gift.refresh_from_db()
    assert gift.status == CompanyGift.Status.ACTIVE


def test_without_any_tax_record_every_pay_row_goes(company_a):
    person = make_employee(company_a)
    _pay(person, dt.date(2026, 1, 1), 320_000)
    _erase(person)
    assert not EmployeePay.objects.filter(profile=person).exists()


# --- association members --------------------------------------------------------------------------


@pytest.fixture
def member_world(company_a):
    """Maëlys acts for an association: she accepted an invitation, invited someone, wrote
    feedback on a volunteer and on the company, confirmed attendance. Another member too."""
    association = make_association(title="Les Jardins Partagés")
    member = make_association_member(
        association, email="maelys@asso.example", first_name="Maelys", last_name="Tournesol"
    )
    other = make_association_member(association, email="other@asso.example")
    AssociationInvitation.objects.create(
        association=association,
        email="maelys@asso.example",
        nonce="n1",
        expires_at=timezone.now(),
        accepted_at=timezone.now(),
        accepted_by=member,
    )
    AssociationInvitation.objects.create(
        association=association,
        email="newcomer@asso.example",
        nonce="n2",
        expires_at=timezone.now() + dt.timedelta(days=3),
        invited_by=member,
    )
    mission = make_mission(
        company=company_a, association=association, start=timezone.now() - dt.timedelta(days=3)
    )
    volunteer = make_employee(company_a)
    enrolment = Enrolment.objects.create(
        employee=volunteer,
        session=mission.sessions.get(),
        status=EnrolmentStatus.ATTENDED,
        hours=Decimal(4),
        association_confirmed_by=member,
        association_confirmed_at=timezone.now(),
    )
    VolunteerFeedback.objects.create(
        enrolment=enrolment, rating=5, comment="Great help, Maelys", author=member
    )
    CompanyFeedback.objects.create(
        association=association,
        company=company_a,
        mission=mission,
        session=mission.sessions.get(),
        rating=4,
        comment="Well organised",
        author=member,
    )
    return {"member": member, "other": other, "association": association, "enrolment": enrolment}


def test_an_association_member_downloads_their_data(client, member_world):
    member = member_world["member"]
    client.force_login(member)
    assert client.get(reverse("portal:personal_data")).url == reverse("portal:account_data")
    assert client.get(reverse("portal:account_data")).status_code == 200
    response = client.post(reverse("portal:download_account_data"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    tables = json.loads(archive.read("personal-data.json"))["tables"]
    assert tables["account"][0]["email"] == "maelys@asso.example"
    assert [r["association"] for r in tables["association_memberships"]] == ["Les Jardins Partagés"]
    assert [r["comment"] for r in tables["volunteer_feedback_written"]] == ["Great help, Maelys"]
    assert [r["comment"] for r in tables["company_feedback_written"]] == ["Well organised"]
    assert len(tables["attendance_confirmed"]) == 1
    assert len(tables["invitations_accepted"]) == 1
    # The person she invited is not named in her export.
    assert "newcomer@asso.example" not in json.dumps(tables)
    for empty in ("receipts_handled", "transfers_confirmed", "sso_accounts", "hours_decided"):
        assert tables[empty] == []
    assert f"{empty}.csv" in archive.namelist()
    entry = PrivacyAuditEntry.objects.get(account=member)
    assert (entry.action, entry.company, entry.subject) == ("export_downloaded", None, None)
    # The other member's export holds none of hers.
    assert (
        contributors.export_account_tables(member_world["other"])["volunteer_feedback_written"]
        == []
    )


def test_employees_have_no_account_pages(client, employee_a):
    client.force_login(employee_a.user)
    assert client.get(reverse("portal:account_data")).status_code == 404
    assert client.post(reverse("portal:download_account_data")).status_code == 404
    with pytest.raises(services.NotAllowed):
        services.erase_account(user=employee_a.user, actor=employee_a.user)


def test_an_association_member_erases_their_account(client, member_world, company_a):
    member, other = member_world["member"], member_world["other"]
    client.force_login(member)
    url = reverse("portal:erase_my_account")
    response = client.get(url)
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    client.post(response["Location"], {"password": PASSWORD})
    assert client.post(url, {}).status_code == 200  # without the tick, nothing
    assert not PrivacyAuditEntry.objects.filter(action="erasure").exists()
    assert client.post(url, {"confirm": "on"}).status_code == 302

    member = get_user_model().objects.get(pk=member.pk)
    assert not member.is_active and not member.has_usable_password()
    assert member.email.endswith("@erased.invalid")
    assert "Maelys" not in f"{member.first_name} {member.last_name} {member.username}"
    assert not AssociationMembership.objects.filter(user=member).exists()
    assert AssociationMembership.objects.filter(user=other).exists()
    assert not AssociationInvitation.objects.filter(email="maelys@asso.example").exists()
    assert AssociationInvitation.objects.filter(email="newcomer@asso.example").exists()
    # What she wrote for the association stays, without her; attendance keeps its proof.
    feedback = VolunteerFeedback.objects.get()
    assert (feedback.comment, feedback.author) == ("Great help, Maelys", None)
    assert CompanyFeedback.objects.get().author is None
    enrolment = Enrolment.objects.get(pk=member_world["enrolment"].pk)
    assert enrolment.association_confirmed_by_id == member.pk
    entry = PrivacyAuditEntry.objects.get(account=member, action="erasure")
    assert (entry.company, entry.subject, entry.reason) == (None, None, "self")
    assert entry.subject_label == f"Former member #{member.pk}"
    assert "Maelys" not in json.dumps(entry.details)
    # Idempotent, and a company's leavers are still listed (a NULL subject in the log).
    assert services.erase_account(user=member, actor=member) == entry
    leaver = make_employee(company_a, leave_date=dt.date(2026, 1, 31))
    assert [row.profile for row in selectors.leavers_of(company_a)] == [leaver]
    assert [due.profile for due in services.leavers_due(today=dt.date(2030, 1, 1))] == [leaver]
