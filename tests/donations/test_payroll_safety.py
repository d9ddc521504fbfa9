"""The payroll officer's safety: the confirmation step, stale previews, ambiguous columns,
large files of errors and uploads on a run already confirmed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from donations.exceptions import AmbiguousPayrollColumns, PayrollRunStale
from donations.models import Donation, GivingSettings, PayrollRun, Pledge
from donations.selectors.payroll import is_stale, stale_run_for
from donations.services.payroll import (
    confirm_payroll_run,
    confirmation_of,
    export_deductions,
    import_net_pay,
    open_payroll_run,
    recompute_payroll_run,
)
from donations.services.payroll_csv import parse_net_pay_file
from donations.services.pledges import PledgeTerms, change_pledge, stop_pledge
from tests.donations.conftest import BEFORE_MONTH, MONTH, NET_PAY_FILE, pledge_for
from tests.donations.helpers import confirm_form
from tests.factories import make_employee

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(company_a):
    return make_employee(company_a, email="paie@alpha.example", is_payroll_officer=True)


def previewed_a_minute_ago(run: PayrollRun) -> PayrollRun:
    """The pledges were saved a minute before the preview read them, and the preview a minute
    before the change that follows (no reliance on the clock's resolution)."""
    run.refresh_from_db()
    read_at = run.pledges_read_at - dt.timedelta(minutes=1)
    PayrollRun.objects.filter(pk=run.pk).update(pledges_read_at=read_at)
    Pledge.objects.filter(company_id=run.company_id).update(
        updated_at=read_at - dt.timedelta(minutes=1)
    )
    run.refresh_from_db()
    return run


def cap_pledge(profile, associations, cap_cents: int):
    terms = PledgeTerms(
        rule="cents",
        allocations={associations[0].pk: 50, associations[1].pk: 50},
        fixed_amount_cents=None,
        monthly_cap_cents=cap_cents,
        start_month=MONTH,
    )
    return change_pledge(profile=profile, terms=terms, consent=True, today=BEFORE_MONTH)


def upload(client, run, content: bytes, **extra):
    data = {"file": SimpleUploadedFile("paie.csv", content, content_type="text/csv"), **extra}
    return client.post(reverse("donations:payroll_run", args=[run.pk]), data)


# 1. The confirmation step ------------------------------------------------------------------


def test_confirmation_states_people_totals_and_match(company_a, payroll_people, policy_a):
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    summary = confirmation_of(run)
    # E001 gives the cents of 2 345,67 (0,67), E002 rounds 1 999,10 up to 2 000 (0,90).
    assert (summary.people_deducted, summary.total_deducted_cents) == (2, 157)
    assert summary.total_matched_cents == 157  # 1:1, far under cap and budget
    assert (summary.pledgers, summary.missing_count, summary.without_number) == (2, 0, 0)
    assert not summary.must_type_month


def test_match_estimate_equals_what_confirm_writes_under_a_tight_budget(
    company_a, payroll_people, policy_a
):
    policy_a.yearly_budget_cents = 100
    policy_a.save()
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    assert confirmation_of(run).total_matched_cents == 100
    export_deductions(run=run)
    confirm_payroll_run(run=run)
    written = sum(d.match.amount_cents for d in Donation.objects.filter(match__isnull=False))
    assert written == 100


def test_many_missing_pledgers_require_typing_the_month(
    client, officer, company_a, payroll_people, policy_a, round_up_a
):
    for i in range(3):
        pledge_for(make_employee(company_a, employee_number=f"M{i:03d}"), round_up_a)
    pledge_for(make_employee(company_a, employee_number=""), round_up_a)
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    export_deductions(run=run)
    summary = confirmation_of(run)
    assert (summary.pledgers, summary.missing_count, summary.without_number) == (6, 4, 1)
    assert summary.must_type_month
    client.force_login(officer.user)
    url = reverse("donations:payroll_run_confirm", args=[run.pk])
    page = client.get(url).content.decode()
    assert "M000" in page and 'name="typed_month"' in page and 'name="acknowledge"' not in page
    # The site speaks French by default: the step says what will happen in French.
    assert "Ce que la confirmation va faire" in page and "Tapez le mois du versement" in page
    # Ticking a box is not enough, nor is another month.
    assert client.post(url, confirm_form(run, acknowledge="on")).status_code == 400
    assert client.post(url, confirm_form(run, typed_month="2026-04")).status_code == 400
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.EXPORTED and not Donation.objects.exists()
    assert client.post(url, confirm_form(run, typed_month="2026-03")).status_code == 302
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.CONFIRMED


def test_few_missing_pledgers_ask_for_the_box_naming_the_totals(
    client, officer, company_a, payroll_people, policy_a
):
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    export_deductions(run=run)
    client.force_login(officer.user)
    url = reverse("donations:payroll_run_confirm", args=[run.pk])
    with translation.override("en"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="acknowledge"' in page and 'name="typed_month"' not in page
    assert "1,57" in page or "1.57" in page
    assert client.post(url, confirm_form(run)).status_code == 400
    assert not Donation.objects.exists()
    assert client.post(url, confirm_form(run, acknowledge="on")).status_code == 302
    assert Donation.objects.count() == 3


def test_missing_pledgers_csv_lists_them_all_and_only_this_company(
    client, officer, company_a, company_b, payroll_people, round_up_a, round_up_b
):
    for i in range(25):
        pledge_for(make_employee(company_a, employee_number=f"M{i:03d}"), round_up_a)
    pledge_for(make_employee(company_b, employee_number="B999"), round_up_b)
    pledge_for(make_employee(company_a, employee_number="=HYPERLINK()"), round_up_a)
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    client.force_login(officer.user)
    page = client.get(reverse("donations:payroll_run_confirm", args=[run.pk])).content.decode()
    assert page.count("<tr><td>M0") + page.count("<tr><td>'=") <= 20  # the first ones only
    csv_text = client.get(reverse("donations:payroll_run_missing", args=[run.pk])).content
    lines = csv_text.decode().splitlines()
    # A French spreadsheet file: byte-order mark, then `;`.
    assert lines[0] == "\ufeffemployee_number;name;email"
    assert len(lines) == 1 + 26 and "B999" not in csv_text.decode()
    assert any(line.startswith("'=HYPERLINK()") for line in lines)


def test_other_company_cannot_read_the_confirmation_or_the_csvs(
    client, company_a, company_b, payroll_people
):
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    client.force_login(make_employee(company_b, is_payroll_officer=True).user)
    for name in (
        "payroll_run_confirm",
        "payroll_run_missing",
        "payroll_run_errors",
        "payroll_run_recompute",
    ):
        assert client.post(reverse(f"donations:{name}", args=[run.pk])).status_code == 404


# 2. Stale previews ----------------------------------------------------------------------


def test_a_capped_pledge_makes_the_preview_stale_until_recomputed(
    company_a, payroll_people, round_up_a
):
    eve = payroll_people[0]
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    run = previewed_a_minute_ago(run)
    assert not is_stale(run)
    cap_pledge(eve, round_up_a, 50)  # 0,67 becomes 0,50
    assert is_stale(run)
    assert stale_run_for(eve) == run and stale_run_for(payroll_people[1]) is None
    with pytest.raises(PayrollRunStale):
        export_deductions(run=run)
    run = recompute_payroll_run(run=run)
    assert run.status == PayrollRun.Status.PREVIEWED and not is_stale(run)
    assert run.lines.get(employee=eve).deduction_cents == 50
    assert run.diff["changed"]["count"] == 0  # no previous run: she is "new"
    export_deductions(run=run)


def test_a_stopped_pledge_makes_the_preview_stale(company_a, payroll_people):
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    previewed_a_minute_ago(run)
    stop_pledge(profile=payroll_people[1], today=BEFORE_MONTH)
    assert is_stale(run)


def test_confirming_a_stale_run_is_refused(company_a, payroll_people, round_up_a):
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    export_deductions(run=run)
    run = previewed_a_minute_ago(run)
    # An admin edits a pledge of an exported month: the file sent to payroll is out of date.
    pledge = payroll_people[0].pledges.get()
    pledge.monthly_cap_cents = 10
    pledge.save()
    with pytest.raises(PayrollRunStale, match="recompute first"):
        confirm_payroll_run(run=run)
    assert not Donation.objects.exists()
    run = recompute_payroll_run(run=run)
    assert run.status == PayrollRun.Status.PREVIEWED and run.exported_at is None


def test_stale_is_shown_on_the_run_the_list_and_the_employee_page(
    client, officer, company_a, payroll_people, round_up_a
):
    eve = payroll_people[0]
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    previewed_a_minute_ago(run)
    client.force_login(officer.user)
    assert (
        'id="run-stale"'
        not in client.get(reverse("donations:payroll_run", args=[run.pk])).content.decode()
    )
    cap_pledge(eve, round_up_a, 50)
    assert (
        'id="run-stale"'
        in client.get(reverse("donations:payroll_run", args=[run.pk])).content.decode()
    )
    assert "badge--warning" in client.get(reverse("donations:payroll_runs")).content.decode()
    client.force_login(eve.user)
    assert 'id="pledge-stale-run"' in client.get(reverse("donations:home")).content.decode()
    client.force_login(payroll_people[1].user)
    assert 'id="pledge-stale-run"' not in client.get(reverse("donations:home")).content.decode()
    client.force_login(officer.user)
    response = client.post(reverse("donations:payroll_run_recompute", args=[run.pk]))
    assert response.status_code == 302
    page = client.get(reverse("donations:payroll_run", args=[run.pk])).content.decode()
    assert 'id="run-stale"' not in page


# 3. Large files of errors -------------------------------------------------------------


def test_a_large_file_of_errors_shows_the_first_ones_and_offers_them_all(
    client, officer, company_a, payroll_people
):
    # A blank line after each bad one: the lines to exclude form no short ranges.
    rows = "".join(f"X{i:06d};abc\n\n" for i in range(20_000))
    client.force_login(officer.user)
    run = open_payroll_run(company=company_a, month=MONTH)
    response = upload(client, run, f"matricule;net\n{rows}".encode())
    assert response.status_code == 400
    assert len(response.content) < 100_000  # was one row per error
    page = response.content.decode()
    assert page.count("<tr><td>") == 50
    assert "40000" in page.replace("\u202f", "").replace(" ", "")  # two errors per line
    full = client.get(reverse("donations:payroll_run_errors", args=[run.pk]))
    lines = b"".join(full.streaming_content).decode().splitlines()
    assert lines[0] == "\ufeffline;field;problem" and len(lines) == 1 + 40_000
    assert not run.lines.exists()
    # Too many lines to list in the page: excluding them all reads the refused file's report.
    assert 'name="excluded_lines" value="refused"' in page
    good = "E001;2 345,67\n"
    response = upload(
        client, run, f"matricule;net\n{rows}{good}".encode(), exclude="on", excluded_lines="refused"
    )
    assert response.status_code == 302
    run.refresh_from_db()
    assert list(run.lines.values_list("employee_number", flat=True)) == ["E001"]
    assert len(run.excluded_lines) == 20_000


def test_a_few_refused_lines_are_excluded_by_their_ranges(
    client, officer, company_a, payroll_people
):
    client.force_login(officer.user)
    run = open_payroll_run(company=company_a, month=MONTH)
    content = b"matricule;net\nE001;12\nX1;3\nX2;4\nX3;5\nE002;20\nX4;1\n"
    page = upload(client, run, content).content.decode()
    assert 'name="excluded_lines" value="3-5,7"' in page
    assert upload(client, run, content, exclude="on", excluded_lines="3-5,7").status_code == 302
    assert run.lines.count() == 2


def test_a_large_file_is_read_by_the_task_and_its_refusal_shown_on_the_page(
    client, officer, company_a, payroll_people, settings, django_capture_on_commit_callbacks
):
    settings.CORDEE_PAYROLL_ASYNC_PARSE_BYTES = 100
    client.force_login(officer.user)
    run = open_payroll_run(company=company_a, month=MONTH)
    bad = "matricule;net\n" + "".join(f"X{i:04d};abc\n" for i in range(60))
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, run, bad.encode())
    # Answered at once (a redirect to the page that follows the task), then read by the task.
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.DRAFT and not run.pending_file
    assert run.refused_file["total"] == 120 and len(run.refused_file["first"]) == 50
    page = client.get(reverse("donations:payroll_run", args=[run.pk])).content.decode()
    assert page.count("<tr><td>") == 50 and 'id="errors-csv"' in page
    assert 'name="excluded_lines" value="refused"' in page
    # The good file goes the same way and is imported by the task.
    settings.CORDEE_PAYROLL_ASYNC_PARSE_BYTES = 10
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, run, NET_PAY_FILE)
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.PREVIEWED and run.refused_file == {}
    assert run.lines.count() == 3 and not run.pending_file


def test_no_error_list_before_a_refused_file(client, officer, company_a):
    run = open_payroll_run(company=company_a, month=MONTH)
    client.force_login(officer.user)
    assert client.get(reverse("donations:payroll_run_errors", args=[run.pk])).status_code == 404


# 4. Ambiguous columns -----------------------------------------------------------------

TWO_NETS = "matricule;Salaire net;Net à payer\nE001;2 000,10;2 345,67\nE002;1 000,00;1 999,10\n"


def test_two_net_pay_columns_are_refused_naming_both():
    with pytest.raises(AmbiguousPayrollColumns) as caught:
        parse_net_pay_file(TWO_NETS.encode())
    assert caught.value.columns == ["Salaire net", "Net à payer"]
    assert "Salaire net" in str(caught.value.errors[0]) and "Net à payer" in str(
        caught.value.errors[0]
    )
    rows = parse_net_pay_file(TWO_NETS.encode(), column_choices={"net_pay": "netapayer"})
    assert [r.net_pay_cents for r in rows] == [234567, 199910]
    # A choice that names neither column does not silently pick one.
    with pytest.raises(AmbiguousPayrollColumns):
        parse_net_pay_file(TWO_NETS.encode(), column_choices={"net_pay": "montantnet"})


def test_the_officer_chooses_the_column_and_it_is_remembered(
    client, officer, company_a, payroll_people
):
    run = open_payroll_run(company=company_a, month=MONTH)
    client.force_login(officer.user)
    response = upload(client, run, TWO_NETS.encode())
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="column-choice"' in page and "Salaire net" in page and "Net à payer" in page
    response = upload(
        client, run, TWO_NETS.encode(), column_field="net_pay", column_choice="netapayer"
    )
    assert response.status_code == 302
    assert run.lines.get(employee_number="E001").net_pay_cents == 234567
    assert GivingSettings.objects.get(company=company_a).payroll_columns == {"net_pay": "netapayer"}
    # Next time, the same header goes through with the remembered choice.
    assert upload(client, run, TWO_NETS.encode()).status_code == 302


# 5. An upload on a confirmed run ------------------------------------------------------


def test_upload_on_a_confirmed_run_says_who_confirmed_it_and_when(
    client, officer, company_a, payroll_people, policy_a
):
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    export_deductions(run=run)
    confirm_payroll_run(run=run, actor=officer.user)
    client.force_login(officer.user)
    # Even a file full of errors: the run's state is what the officer needs to hear.
    response = upload(client, run, b"matricule;net\nE001;abc\n")
    assert response.status_code == 409
    page = response.content.decode()
    assert 'id="run-locked"' in page and officer.user.email in page
    assert reverse("donations:payroll_run", args=[run.pk]) in page
    run.refresh_from_db()
    assert f"{timezone.localtime(run.confirmed_at):%d/%m/%Y}" in page


def test_confirming_figures_that_changed_since_they_were_read_is_refused(
    client, officer, company_a, payroll_people, round_up_a, policy_a
):
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    previewed_a_minute_ago(run)
    export_deductions(run=run)
    read = confirm_form(run, acknowledge="on")  # the page as the officer read it
    # Another tab: a pledge changes (by an admin) and the run is recomputed and exported again.
    pledge = payroll_people[0].pledges.get()
    pledge.monthly_cap_cents = 10
    pledge.save()
    recompute_payroll_run(run=run)
    export_deductions(run=run)
    client.force_login(officer.user)
    url = reverse("donations:payroll_run_confirm", args=[run.pk])
    with translation.override("en"):
        response = client.post(url, read, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert not Donation.objects.exists()
    assert client.post(url, confirm_form(run, acknowledge="on")).status_code == 302
    assert sum(d.amount_cents for d in Donation.objects.filter(donor=payroll_people[0])) == 10
