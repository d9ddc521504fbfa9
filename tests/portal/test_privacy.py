"""Personal data: the export a person downloads, erasure (pseudonymisation), leaver retention."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation

from donations.models import Donation, Match, MatchingPolicy, PaymentAttempt, PayrollLine, Pledge
from donations.services.cards import pay_simulated, start_card_donation
from donations.services.payroll import (
    confirm_payroll_run,
    export_deductions,
    import_net_pay,
    open_payroll_run,
)
from donations.services.pledges import PledgeTerms, create_pledge, set_round_up_associations
from missions.models import Enrolment, Feedback
from missions.models.engagement import EnrolmentStatus
from missions.services.enrolment import enrol
from portal.models import EmployeeProfile, PersonalDataExport, PrivacyAuditEntry
from portal.privacy import services
from portal.tasks import purge_expired_leavers
from reporting.models import ImpactReport
from tests.factories import PASSWORD, make_association, make_employee, make_mission

EMAIL = "zephyrine.quillfeather@alpha.example"
EXPECTED_TABLES = {
    # portal
    "profile",
    "email_addresses",
    "sso_accounts",
    "mfa_methods",
    "pay",
    "privacy_log",
    # missions
    "enrolments",
    "enrolment_history",
    "feedback_given",
    "association_feedback_received",
    "approvals_decided",
    "calendar_feed",
    "skills_offered",
    "self_reported_hours",
    "association_proposals",
    "session_messages_written",
    "session_messages_received",
    "series_created",
    # donations
    "pledges",
    "payroll_deductions",
    "donations",
    "card_payments",
    "refunds",
    "matches",
    "leave_day_donations",
    "statements",
    "receipt_address",
    "tax_receipts",
    "money_audit",
    "vote_ballots",
    "company_gifts_from_you",
    # reporting
    "impact_reports_requested",
    "feedback_read_mark",
}


@pytest.fixture
def association(site_tree):
    return make_association(title="Les Restos du Quartier", tax_receipt_eligible=True)


@pytest.fixture
def person(company_a, association):
    """Zéphyrine: an attended session with feedback, an upcoming seat, a pledge collected by a
    confirmed payroll run, a matched card gift, an SSO account and an MFA method."""
    profile = make_employee(
        company_a,
        email=EMAIL,
        first_name="Zephyrine",
        last_name="Quillfeather",
        employee_number="A-0042",
        department="Finance",
    )
    now = timezone.now()
    past = make_mission(
        company=company_a, association=association, start=now - dt.timedelta(days=20)
    )
    attended = Enrolment.objects.create(
        employee=profile,
        session=past.sessions.get(),
        status=EnrolmentStatus.ATTENDED,
        hours=7,
        decision_reason="Zephyrine asked nicely",
    )
    Feedback.objects.create(
        enrolment=attended,
        satisfaction=5,
        meaning=4,
        would_recommend=True,
        comment="Signed Zephyrine Quillfeather",
        consent_to_quote=True,
    )
    company_a.approval_required = False
    company_a.save()
    upcoming = make_mission(company=company_a, association=association, seats=1)
    enrol(employee=profile, session_id=upcoming.sessions.get().pk)

    set_round_up_associations(company=company_a, association_ids=[association.pk])
    MatchingPolicy.objects.create(
        company=company_a,
        ratio_numerator=1,
        ratio_denominator=1,
        employee_yearly_cap_cents=50_000,
        yearly_budget_cents=1_000_000,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2027, 1, 1),
        currency="EUR",
    )
    create_pledge(
        profile=profile,
        terms=PledgeTerms(rule="cents", allocations={association.pk: 100}),
        consent=True,
        today=dt.date(2026, 9, 1),
    )
    run = open_payroll_run(company=company_a, month=dt.date(2026, 10, 1))
    import_net_pay(run=run, data=b"matricule;net_a_payer\nA-0042;2 345,67\n")
    export_deductions(run=run)
    confirm_payroll_run(run=run)
    attempt = start_card_donation(donor=profile, association_id=association.pk, amount_cents=4_200)
    pay_simulated(attempt=attempt)

    app = SocialApp.objects.create(provider="openid_connect", provider_id="alpha-idp", name="IdP")
    account = SocialAccount.objects.create(
        user=profile.user,
        provider="alpha-idp",
        uid="subject-42",
        extra_data={"email": EMAIL, "name": "Zephyrine Quillfeather", "id_token": "eyJ.secret"},
    )
    SocialToken.objects.create(app=app, account=account, token="access-token-secret")
    Authenticator.objects.create(
        user=profile.user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    return profile


@pytest.fixture
def colleague(company_a, association):
    profile = make_employee(
        company_a, email="hortense.vandermolen@alpha.example", first_name="Hortense"
    )
    attempt = start_card_donation(donor=profile, association_id=association.pk, amount_cents=999)
    pay_simulated(attempt=attempt)
    return profile


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what the code enqueues after commit (the export task), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _export(on_commit, person) -> PersonalDataExport:
    with on_commit():
        export = services.request_export(profile=person, actor=person.user)
    export.refresh_from_db()
    return export


def _download(client, on_commit, user) -> zipfile.ZipFile:
    client.force_login(user)
    with on_commit():
        response = client.post(reverse("portal:request_personal_data_export"))
    assert response.status_code == 302
    export = PersonalDataExport.objects.get(profile__user=user)
    assert export.status == "ready"
    response = client.get(reverse("portal:download_personal_data_export", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


# --- export ------------------------------------------------------------------------------------


def test_export_holds_every_table_of_every_app_and_only_the_persons_rows(
    client, on_commit, person, colleague, employee_b
):
    archive = _download(client, on_commit, person.user)
    names = set(archive.namelist())
    assert names == {"personal-data.json"} | {f"{table}.csv" for table in EXPECTED_TABLES}
    data = json.loads(archive.read("personal-data.json"))
    tables = data["tables"]
    assert set(tables) == EXPECTED_TABLES
    assert tables["profile"][0]["email"] == EMAIL
    assert tables["profile"][0]["employee_number"] == "A-0042"
    assert tables["profile"][0]["email_approval_requests"] is True  # the e-mail preferences
    assert [row["email"] for row in tables["email_addresses"]] == [EMAIL]
    assert tables["sso_accounts"][0]["uid"] == "subject-42"
    assert "id_token" not in tables["sso_accounts"][0]["claims"]
    assert tables["mfa_methods"] == [
        {"kind": "totp", "created_at": tables["mfa_methods"][0]["created_at"], "last_used_at": None}
    ]
    assert {row["status"] for row in tables["enrolments"]} == {"attended", "confirmed"}
    assert tables["feedback_given"][0]["comment"] == "Signed Zephyrine Quillfeather"
    assert tables["pledges"][0]["consent_text_version"]
    assert tables["payroll_deductions"][0]["deduction_cents"] == 67
    assert {row["source"] for row in tables["donations"]} == {"payroll", "card"}
    assert sum(row["amount_cents"] for row in tables["donations"]) == 67 + 4_200
    assert len(tables["matches"]) == 2
    assert tables["card_payments"][0]["gift_cents"] == 4_200
    assert {row["year"] for row in tables["statements"]} == {2026}
    assert {row["action"] for row in tables["money_audit"]} >= {"pledge.created"}
    assert [row["action"] for row in tables["privacy_log"]] == ["export_requested"]

    everything = b"".join(archive.read(name) for name in names)
    # Nobody else's data, and no credential of the person's.
    own = set(Donation.objects.filter(donor=person).values_list("pk", flat=True))
    assert {row["id"] for row in tables["donations"]} == own
    assert 999 not in {row["gift_cents"] for row in tables["card_payments"]}
    for foreign in ("hortense", "vandermolen", "bob@beta", "access-token-secret"):
        assert foreign.encode() not in everything.lower(), foreign
    assert b"eyJ.secret" not in everything and b"JBSWY3DPEHPK3PXP" not in everything


def test_export_csvs_are_french_spreadsheets(client, on_commit, person):
    archive = _download(client, on_commit, person.user)
    raw = archive.read("donations.csv").decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["id", "occurred_at", "association"]
    assert len(rows) == 3
    # An empty table is still a file (with no header: nothing to describe).
    assert archive.read("refunds.csv").decode("utf-8") == "\ufeff"


def test_only_the_person_downloads_their_export_never_their_csr_officer(
    client, on_commit, person, csr_a, csr_b, employee_b
):
    export = _export(on_commit, person)
    url = reverse("portal:download_personal_data_export", args=[export.pk])
    for other in (csr_a, csr_b, employee_b):
        client.force_login(other.user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(person.user)
    assert client.get(url).status_code == 200
    downloads = PrivacyAuditEntry.objects.filter(subject=person, action="export_downloaded")
    assert downloads.get().actor == person.user


def test_an_export_expires_and_its_file_is_deleted(client, on_commit, clock, person):
    export = _export(on_commit, person)
    path = export.file.path
    url = reverse("portal:download_personal_data_export", args=[export.pk])
    client.force_login(person.user)
    clock.shift(dt.timedelta(days=7, minutes=1))
    assert client.get(url).status_code == 404
    purge_expired_leavers.delay()
    assert not PersonalDataExport.objects.filter(pk=export.pk).exists()
    import os

    assert not os.path.exists(path)


def test_the_personal_data_page_lists_exports_and_offers_erasure(client, on_commit, person):
    client.force_login(person.user)
    _export(on_commit, person)
    page = client.get(reverse("portal:personal_data"))
    assert page.status_code == 200
    assert reverse("portal:erase_my_data").encode() in page.content
    assert b"/download/" in page.content


# --- erasure -----------------------------------------------------------------------------------


def _money(company):
    return {
        "donations": Donation.objects.filter(company=company).aggregate(s=Sum("amount_cents"))["s"],
        "matches": Match.objects.filter(company=company).aggregate(s=Sum("amount_cents"))["s"],
        "deductions": PayrollLine.objects.aggregate(s=Sum("deduction_cents"))["s"],
        "references": sorted(Donation.objects.values_list("external_reference", flat=True)),
    }


def _dump() -> str:
    """What `manage.py dumpdata` writes: every concrete model's rows as JSON, through the ORM.

    The command itself (`call_command("dumpdata")`) answered "[]" in the full parallel suite
    after other tests, so the rows are serialised here directly, the way dumpdata does.
    """
    chunks = [
        serializers.serialize("json", model._base_manager.order_by("pk"))
        for model in apps.get_models()
        if not model._meta.proxy
    ]
    text = "\n".join(chunks)
    assert len(text) > 10_000  # the dump itself worked
    return text


def test_erasure_keeps_money_and_reports_and_removes_the_person_everywhere(
    on_commit, person, colleague, company_a, csr_a
):
    report = ImpactReport.objects.create(
        company=company_a,
        period_kind="year",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2026, 1, 1),
        period_year=2025,
        language="en",
        status=ImpactReport.Status.READY,
        metrics={"donations_cents": 4233, "volunteers": 1},
        checksum="0" * 64,
        finished_at=timezone.now(),
    )
    export_file = _export(on_commit, person).file.path
    before = _money(company_a)
    dump = _dump()
    assert EMAIL in dump and "Quillfeather" in dump  # the search below can find them
    waitlisted = make_employee(company_a)
    session = Enrolment.objects.get(employee=person, status="confirmed").session
    enrol(employee=waitlisted, session_id=session.pk, waitlist_if_full=True)

    person.leave_date = dt.date(2026, 11, 1)
    person.save()
    with on_commit():  # the export's file is deleted once the erasure is committed
        services.erase_person(profile=person, actor=csr_a.user, reason="leaver")

    assert _money(company_a) == before
    report.refresh_from_db()
    assert report.metrics == {"donations_cents": 4233, "volunteers": 1}
    dump = _dump()
    for trace in (
        EMAIL,
        "zephyrine",
        "Zephyrine",
        "Quillfeather",
        "subject-42",
        "JBSWY3DPEHPK3PXP",
    ):
        assert trace not in dump, trace
    assert "hortense.vandermolen@alpha.example" in dump  # the colleague is untouched

    person.refresh_from_db()
    user = person.user
    assert user.get_full_name() == f"Former employee #{person.pk}"
    assert user.email == f"erased-{user.pk}@erased.invalid"
    assert not user.is_active and not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not SocialAccount.objects.filter(user=user).exists()
    assert not SocialToken.objects.exists()
    assert not Authenticator.objects.filter(user=user).exists()
    # The payroll line keeps the number the payroll needed; the profile lets it go.
    assert person.employee_number == ""
    assert PayrollLine.objects.get(employee=person).employee_number == "A-0042"
    assert person.department == "Finance" and person.hire_date is None
    feedback = Feedback.objects.get(enrolment__employee=person)
    assert (feedback.comment, feedback.consent_to_quote, feedback.satisfaction) == ("", False, 5)
    # The upcoming seat went to the waitlist; the open pledge stopped.
    assert Enrolment.objects.get(employee=waitlisted).status == "confirmed"
    assert Pledge.objects.get(employee=person).end_month is not None
    assert not PersonalDataExport.objects.filter(profile=person).exists()
    import os

    assert not os.path.exists(export_file)
    entry = PrivacyAuditEntry.objects.get(subject=person, action="erasure")
    assert (entry.actor, entry.reason) == (csr_a.user, "leaver")
    assert entry.subject_label == f"Former employee #{person.pk}"
    assert entry.details["feedback_texts"] == 1 and entry.details["sso_accounts"] >= 1


def test_erasure_is_idempotent(person):
    first = services.erase_person(profile=person, actor=person.user, reason="self")
    again = services.erase_person(profile=person, actor=person.user, reason="self")
    assert again == first
    assert PrivacyAuditEntry.objects.filter(subject=person, action="erasure").count() == 1


def test_erasure_is_refused_while_a_payroll_run_is_not_confirmed(person, company_a):
    run = open_payroll_run(company=company_a, month=dt.date(2026, 11, 1))
    import_net_pay(run=run, data=b"matricule;net_a_payer\nA-0042;2 100,10\n")
    with pytest.raises(services.ErasureRefused) as refused:
        services.erase_person(profile=person, actor=person.user, reason="self")
    assert "11/2026" in refused.value.reasons[0]
    person.refresh_from_db()
    assert person.user.email == EMAIL and person.user.is_active
    entry = PrivacyAuditEntry.objects.get(subject=person, action="erasure_refused")
    assert entry.details["reasons"] == refused.value.reasons


def test_erasure_is_refused_while_a_card_payment_is_pending(person, association):
    start_card_donation(donor=person, association_id=association.pk, amount_cents=1_000)
    assert PaymentAttempt.objects.filter(donor=person, status__in=["created", "pending"]).exists()
    with translation.override("en"), pytest.raises(services.ErasureRefused, match="card payment"):
        services.erase_person(profile=person, actor=person.user, reason="self")


def test_self_erasure_needs_a_fresh_sign_in_then_signs_out(client, person):
    client.force_login(person.user)
    url = reverse("portal:erase_my_data")
    response = client.get(url)
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    page = client.get(url)
    assert page.status_code == 200
    # Without the tick, nothing happens.
    assert client.post(url, {}).status_code == 200
    assert PrivacyAuditEntry.objects.filter(action="erasure").count() == 0
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.user.is_active
    # Still employed: the payroll's next net-pay file still lists the number.
    assert person.employee_number == "A-0042"
    entry = PrivacyAuditEntry.objects.get(subject=person, action="erasure")
    assert (entry.actor, entry.reason) == (person.user, "self")
    assert client.get(reverse("portal:personal_data")).status_code == 302  # signed out


def test_self_erasure_page_says_why_it_is_refused(client, person, company_a):
    run = open_payroll_run(company=company_a, month=dt.date(2026, 11, 1))
    import_net_pay(run=run, data=b"matricule;net_a_payer\nA-0042;2 100,10\n")
    client.force_login(person.user)
    page = client.get(reverse("portal:personal_data"))
    assert b"11/2026" in page.content


def test_a_csr_officer_erases_leavers_of_their_company_only(
    client, person, company_a, csr_a, csr_b, employee_a, django_user_model
):
    url = reverse("portal:erase_leaver", args=[person.pk])
    client.force_login(csr_a.user)
    assert client.get(url).status_code == 404  # not a leaver (yet)
    EmployeeProfile.objects.filter(pk=person.pk).update(leave_date=dt.date(2026, 10, 31))
    leavers = client.get(reverse("portal:leavers"))
    assert url.encode() in leavers.content
    for outsider in (csr_b, employee_a):
        client.force_login(outsider.user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"confirm": "on"}).status_code == 404
    assert client.get(reverse("portal:leavers")).status_code == 404  # employee_a
    client.force_login(csr_a.user)
    assert client.get(url).status_code == 200
    assert client.post(url, {"confirm": "on"}).status_code == 302
    entry = PrivacyAuditEntry.objects.get(subject=person, action="erasure")
    assert (entry.actor, entry.reason) == (csr_a.user, "leaver")
    assert client.get(url).status_code == 404  # done


def test_a_platform_admin_erases_a_leaver_of_any_company(client, person, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@platform.example", "x")
    EmployeeProfile.objects.filter(pk=person.pk).update(leave_date=dt.date(2026, 10, 31))
    client.force_login(admin)
    url = reverse("portal:erase_leaver", args=[person.pk])
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert PrivacyAuditEntry.objects.get(subject=person, action="erasure").actor == admin


# --- retention ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("on_the_default_day")
def test_retention_erases_leavers_past_the_period_only(company_a, company_b, settings):
    settings.CORDEE_LEAVER_RETENTION_MONTHS = 36
    # The clock says 17 November 2026: 36 months before is 17 November 2023.
    due = make_employee(company_a, leave_date=dt.date(2023, 11, 17))
    kept = make_employee(company_a, leave_date=dt.date(2023, 11, 18))
    active = make_employee(company_a)
    company_b.leaver_retention_months = 12
    company_b.save()
    due_b = make_employee(company_b, leave_date=dt.date(2025, 11, 16))
    kept_b = make_employee(company_b, leave_date=dt.date(2025, 11, 30))

    out = io.StringIO()
    call_command("purge_leavers", "--dry-run", stdout=out)
    assert f"profile #{due.pk}" in out.getvalue() and f"profile #{due_b.pk}" in out.getvalue()
    assert f"profile #{kept.pk}" not in out.getvalue()
    assert "2 leaver(s) would be erased" in out.getvalue()
    assert not PrivacyAuditEntry.objects.exists()

    assert purge_expired_leavers.delay().get() == {"erased": 2, "refused": 0, "exports": 0}
    erased = set(
        PrivacyAuditEntry.objects.filter(action="erasure", reason="retention").values_list(
            "subject_id", flat=True
        )
    )
    assert erased == {due.pk, due_b.pk}
    for profile in (kept, active, kept_b):
        profile.user.refresh_from_db()
        assert profile.user.is_active
    # A second day's run finds nobody new.
    assert purge_expired_leavers.delay().get()["erased"] == 0


def test_retention_waits_for_money_in_flight(person, company_a):
    EmployeeProfile.objects.filter(pk=person.pk).update(leave_date=dt.date(2020, 1, 31))
    run = open_payroll_run(company=company_a, month=dt.date(2026, 11, 1))
    import_net_pay(run=run, data=b"matricule;net_a_payer\nA-0042;2 100,10\n")
    result = services.purge_expired_leavers()
    assert result.erased == [] and list(result.refused) == [person.pk]
    export_deductions(run=run)
    confirm_payroll_run(run=run)
    assert services.purge_expired_leavers().erased == [person.pk]
