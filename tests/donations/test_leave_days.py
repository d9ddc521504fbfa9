"""Leave-day donation: the yearly cap, valuation on acceptance, the company gift, HR's pages."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from donations.exceptions import LeaveDayError, LeaveDayLimitReached, MissingPayData
from donations.models import AuditEntry, CompanyGift, LeaveDayRequest
from donations.services.disbursements import create_disbursement_batch
from donations.services.leave_days import (
    accept_leave_request,
    offer_leave_days,
    refuse_leave_request,
    withdraw_leave_request,
)
from portal.calendar import add_months, company_today
from portal.models import EmployeePay
from tests.factories import make_association, make_employee

pytestmark = pytest.mark.django_db

# 3,250.50 € a month / 21.67 working days = exactly 150.00 € a day.
GROSS_CENTS = 325_050
DAY_CENTS = 15_000


def give_pay(profile, gross=GROSS_CENTS):
    return EmployeePay.objects.create(
        profile=profile,
        valid_from=dt.date(2020, 1, 1),
        monthly_gross_cents=gross,
        monthly_employer_contributions_cents=gross * 45 // 100,
        source=EmployeePay.Source.MANUAL,
    )


@pytest.fixture
def hr_a(company_a):
    return make_employee(company_a, is_payroll_officer=True)


def offer(profile, association, days=1, kind="rtt"):
    return offer_leave_days(profile=profile, association_id=association.pk, days=days, kind=kind)


def test_accepting_values_each_day_at_day_pay_and_records_the_company_gift(
    employee_a, hr_a, associations, django_capture_on_commit_callbacks
):
    give_pay(employee_a)
    request = offer(employee_a, associations[0], days=2, kind="cet")
    with django_capture_on_commit_callbacks(execute=True):
        request = accept_leave_request(officer=hr_a, request_id=request.pk)
    today = company_today(employee_a.company)
    assert request.status == "accepted"
    assert request.day_pay_cents == DAY_CENTS
    assert request.amount_cents == 2 * DAY_CENTS
    assert request.decided_on == today
    gift = CompanyGift.objects.get(source_reference=f"leave:{request.pk}")
    assert gift == request.gift
    assert (gift.kind, gift.nature, gift.amount_cents) == ("leave_day", "cash", 30_000)
    assert gift.employee == employee_a and gift.given_on == today
    assert gift.valuation["day_pay_cents"] == DAY_CENTS
    assert gift.valuation["rules"][0]["key"] == "leave_days_per_year"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"leave_day.requested", "leave_day.accepted", "company_gift.recorded"} <= actions
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [employee_a.user.email]
    assert "300.00" in mail.outbox[0].body or "300,00" in mail.outbox[0].body


def test_the_accepted_gift_joins_the_next_disbursement(company_a, employee_a, hr_a, associations):
    give_pay(employee_a)
    request = accept_leave_request(officer=hr_a, request_id=offer(employee_a, associations[1]).pk)
    batch = create_disbursement_batch(
        company=company_a, period_end=add_months(request.decided_on.replace(day=1), 1)
    )
    amounts = dict(batch.disbursements.values_list("association_id", "amount_cents"))
    assert amounts == {associations[1].pk: DAY_CENTS}


def test_a_fourth_day_in_a_year_is_refused_counting_waiting_and_accepted_days(
    employee_a, hr_a, associations
):
    give_pay(employee_a)
    accept_leave_request(officer=hr_a, request_id=offer(employee_a, associations[0], 2).pk)
    offer(employee_a, associations[1], 1)  # waiting for HR: still counts
    with pytest.raises(LeaveDayLimitReached) as info:
        offer(employee_a, associations[1], 1)
    assert "at most 3 working days a year" in str(info.value)
    assert "3 already offered or given" in str(info.value)
    assert LeaveDayRequest.objects.filter(employee=employee_a).count() == 2


def test_refused_and_withdrawn_days_are_free_again(employee_a, hr_a, associations):
    first = offer(employee_a, associations[0], 3)
    refuse_leave_request(officer=hr_a, request_id=first.pk, reason="Busy quarter")
    second = offer(employee_a, associations[0], 3)
    withdraw_leave_request(profile=employee_a, request_id=second.pk)
    assert offer(employee_a, associations[0], 3).status == "requested"


def test_more_than_the_cap_at_once_is_refused(employee_a, associations):
    with pytest.raises(LeaveDayLimitReached):
        offer(employee_a, associations[0], 4)
    assert not LeaveDayRequest.objects.exists()


def test_without_pay_data_the_officer_cannot_accept_and_is_told_why(employee_a, hr_a, associations):
    request = offer(employee_a, associations[0])
    with pytest.raises(MissingPayData) as info:
        accept_leave_request(officer=hr_a, request_id=request.pk)
    assert "No pay is known for" in str(info.value)
    request.refresh_from_db()
    assert request.status == "requested"
    assert not CompanyGift.objects.exists()


def test_only_eligible_vetted_associations_receive_leave_days(employee_a, site_tree):
    club = make_association(title="Club", tax_receipt_eligible=False)
    pending = make_association(title="Pending", tax_receipt_eligible=True, vetting_status="pending")
    for association in (club, pending):
        with pytest.raises(LeaveDayError):
            offer(employee_a, association)
    assert not LeaveDayRequest.objects.exists()


def test_a_refusal_needs_a_reason_and_a_decision_is_taken_once(employee_a, hr_a, associations):
    request = offer(employee_a, associations[0])
    with pytest.raises(LeaveDayError):
        refuse_leave_request(officer=hr_a, request_id=request.pk, reason="  ")
    refuse_leave_request(officer=hr_a, request_id=request.pk, reason="Not this year")
    give_pay(employee_a)
    with pytest.raises(LeaveDayError, match="already refused"):
        accept_leave_request(officer=hr_a, request_id=request.pk)


def test_an_officer_does_not_decide_their_own_offer(hr_a, associations):
    give_pay(hr_a)
    request = offer(hr_a, associations[0])
    with pytest.raises(LeaveDayError, match="Another officer"):
        accept_leave_request(officer=hr_a, request_id=request.pk)


def test_an_officer_of_another_company_cannot_decide(employee_a, company_b, associations):
    request = offer(employee_a, associations[0])
    officer_b = make_employee(company_b, is_csr_officer=True)
    with pytest.raises(LeaveDayError, match="does not exist"):
        accept_leave_request(officer=officer_b, request_id=request.pk)


# ---- pages -------------------------------------------------------------------------------------


def test_employee_offers_on_the_page_and_sees_status_and_amount(
    client, employee_a, hr_a, associations
):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(employee_a.user)
    page = client.get(reverse("donations:leave_days"))
    assert page.status_code == 200
    assert "D3142-82" in page.content.decode()
    response = client.post(
        reverse("donations:leave_days"),
        {"association": associations[0].pk, "days": 2, "kind": "rtt"},
    )
    assert response.status_code == 302
    request = LeaveDayRequest.objects.get()
    give_pay(employee_a)
    accept_leave_request(officer=hr_a, request_id=request.pk)
    home = client.get(reverse("donations:home")).content.decode()
    assert f'data-leave-request="{request.pk}"' in home
    assert "300,00" in home or "300.00" in home


def test_the_page_shows_the_cap_message_when_a_fourth_day_is_asked(
    client, employee_a, associations
):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    offer(employee_a, associations[0], 3)
    client.force_login(employee_a.user)
    response = client.post(
        reverse("donations:leave_days"),
        {"association": associations[0].pk, "days": 1, "kind": "rtt"},
    )
    assert response.status_code == 400
    assert "at most 3 working days a year" in response.content.decode()


def test_officer_accepts_on_the_page_and_is_told_when_pay_is_missing(
    client, employee_a, hr_a, associations
):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    request = offer(employee_a, associations[0])
    client.force_login(hr_a.user)
    url = reverse("donations:leave_request_decide", args=[request.pk])
    listing = client.get(reverse("donations:leave_requests")).content.decode()
    assert employee_a.display_name in listing
    assert "No pay is known for this employee today" in client.get(url).content.decode()
    refused = client.post(url, {"decision": "accept"})
    assert refused.status_code == 400
    assert "No pay is known" in refused.content.decode()
    give_pay(employee_a)
    # 1 x 150.00 € a day.
    assert "= €150.00" in client.get(url).content.decode()
    assert client.post(url, {"decision": "accept"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "accepted"


def test_pages_of_another_company_or_role_are_404(
    client, employee_a, employee_b, hr_a, associations
):
    request = offer(employee_a, associations[0])
    officer_b = make_employee(employee_b.company, is_csr_officer=True)
    client.force_login(officer_b.user)
    url = reverse("donations:leave_request_decide", args=[request.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "refuse", "reason": "x"}).status_code == 404
    client.force_login(employee_b.user)
    withdraw = reverse("donations:leave_day_withdraw", args=[request.pk])
    assert client.post(withdraw).status_code == 404
    # A plain employee has no HR pages.
    client.force_login(employee_a.user)
    assert client.get(reverse("donations:leave_requests")).status_code == 404
    assert client.get(url).status_code == 404
    request.refresh_from_db()
    assert request.status == "requested"


def test_payroll_csv_lists_the_days_accepted_in_the_run_month(
    client, company_a, company_b, employee_a, hr_a, associations
):
    from donations.services.payroll import open_payroll_run

    employee_a.employee_number = "A-0042"
    employee_a.save()
    give_pay(employee_a)
    request = accept_leave_request(
        officer=hr_a, request_id=offer(employee_a, associations[0], 2, "paid_leave").pk
    )
    month = request.decided_on.replace(day=1)
    run = open_payroll_run(company=company_a, month=month)
    other = open_payroll_run(company=company_a, month=add_months(month, -1))
    run_b = open_payroll_run(company=company_b, month=month)
    client.force_login(hr_a.user)
    text = client.get(reverse("donations:payroll_run_leave_days", args=[run.pk])).content
    lines = text.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2
    # The officer reads French: the French spreadsheet dialect (semicolons).
    day = request.decided_on.isoformat()
    assert lines[1] == f"A-0042;{employee_a.display_name};2;paid_leave;{day}"
    previous = client.get(reverse("donations:payroll_run_leave_days", args=[other.pk]))
    assert len(previous.content.decode("utf-8-sig").strip().splitlines()) == 1
    assert (
        client.get(reverse("donations:payroll_run_leave_days", args=[run_b.pk])).status_code == 404
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_offers_never_pass_the_yearly_cap(company_a, employee_a, associations):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    barrier = threading.Barrier(4)
    errors = []

    def give():
        try:
            barrier.wait()
            offer(employee_a, associations[0], 2)
        except LeaveDayLimitReached as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=give) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert LeaveDayRequest.objects.filter(employee=employee_a).count() == 1
    assert len(errors) == 3


def test_the_officer_list_and_the_employee_page_do_not_query_per_offer(
    client, company_a, hr_a, associations, django_assert_max_num_queries
):
    for _ in range(6):
        person = make_employee(company_a)
        offer(person, associations[0])
    client.force_login(hr_a.user)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("donations:leave_requests")).status_code == 200
    person = make_employee(company_a)
    for association in associations:
        offer(person, association)
    client.force_login(person.user)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("donations:leave_days")).status_code == 200
