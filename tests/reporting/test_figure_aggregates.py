"""The impact figures read from the figure aggregates are exactly the raw computation's.

A rich world (refunds whole and partial, a dispute, partial and reversed matches, payroll
adjustments, gifts either side of midnight at month and period edges, attended, no-show and
cancelled enrolments with odd hours, feedback, several associations, causes, kinds, sites and
departments, and a second company in the same months) is reported over a whole year, a year to
date (partial edge buckets), a quarter and custom dates; every figure of company_metrics must
equal company_metrics(raw=True). Then every kind of write after a report shows in the next one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donations.models import Donation, Match, MatchingPolicy
from donations.payments.types import DisputeState, RefundState
from donations.services.refunds import apply_dispute, apply_refunds
from missions.models import EnrolmentStatus, Feedback, MissionSession
from reporting.models import FigureBucket, FigureMonth, GiftFigures, VolunteerFigures
from reporting.periods import custom_period, quarter_period, year_period
from reporting.selectors.metrics import company_metrics
from tests.donations.conftest import MONTH
from tests.donations.test_payroll_sql import world  # noqa: F401 - the payroll run's fixture
from tests.factories import make_employee, make_mission
from tests.reporting.conftest import attend, paris

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 17)  # the default test clock's day (on_the_default_day)


def _periods():
    return {
        "year 2025": year_period(2025),
        "year 2026 to date": year_period(2026).as_of(TODAY),
        "quarter 2 2025": quarter_period(2025, 2),
        "custom 15 Mar-17 Nov 2025": custom_period(dt.date(2025, 3, 15), dt.date(2025, 11, 18)),
        "custom within a month": custom_period(dt.date(2025, 11, 3), dt.date(2025, 11, 20)),
    }


@pytest.fixture
def rich_world(impact_data, company_b, on_the_default_day):
    d = impact_data
    e1, e2, e3, e4, e5 = d.employees
    x, y, z = d.associations["x"], d.associations["y"], d.associations["z"]
    e6 = make_employee(d.company, email="e6@alpha.example", site="", department="")
    beta = make_employee(company_b, email="beta2@beta.example", site="Lyon", department="IT")
    # Gifts on both sides of the edges: month ends, the partial period's cut (18 Nov exclusive)
    # and the custom spans' first days, in Paris time.
    d.give(e1, y, 333, paris(2025, 3, 14, 23, 59), matched=333)
    d.give(e2, x, 444, paris(2025, 3, 15, 0, 1), matched=200)  # a partial match
    d.give(e3, y, 555, paris(2025, 11, 17, 23, 59), source="card", matched=555)
    d.give(e5, y, 666, paris(2025, 11, 18, 0, 1), source="card")
    d.give(e6, x, 777, paris(2025, 11, 2, 23, 30))
    d.give(e1, x, 120, paris(2026, 2, 1, 0, 0), matched=120)
    d.give(e2, y, 80, paris(2026, 11, 17, 8, 0), matched=80)  # today
    d.give(e4, y, 90, paris(2026, 10, 31, 23, 0))
    d.give(beta, z, 1234, paris(2025, 11, 10, 12))  # the other company, same months
    d.give(beta, z, 4321, paris(2026, 3, 10, 12), matched=4321)
    adjustment = Donation.objects.create(
        donor=e1,
        company=d.company,
        association=x,
        amount_cents=-30,
        currency="EUR",
        source=Donation.Source.ADJUSTMENT,
        occurred_at=paris(2025, 6, 30, 12),
        external_reference="adjustment-1",
    )
    # Refunds give back the policy's budget: it has spent something to give back.
    MatchingPolicy.objects.filter(company=d.company).update(spent_cents=1_000_000)
    # A card gift partly refunded (its match reversed pro rata), and one disputed.
    refunded = d.give(e3, x, 4000, paris(2025, 5, 20, 12), source="card", matched=4000)
    apply_refunds(donation=refunded, refunds=[RefundState("re_part", 1500)])
    disputed = d.give(e4, y, 2500, paris(2025, 9, 9, 12), source="card", matched=2500)
    apply_dispute(
        state=DisputeState(
            external_id="dp_1",
            payment_id=disputed.external_reference,
            amount_cents=2500,
            currency="EUR",
            status="needs_response",
        )
    )
    # Enrolments: odd hours, several kinds, sessions either side of month and period edges.
    m4 = make_mission(
        company=d.company,
        association=x,
        kind="volunteering",
        title="Homework club",
        start=paris(2025, 11, 17, 18),
    )
    late = m4.sessions.get()
    after_cut = MissionSession.objects.create(
        mission=m4, start=paris(2025, 11, 18, 9), end=paris(2025, 11, 18, 12), seats=9
    )
    this_year = MissionSession.objects.create(
        mission=d.missions["m2"], start=paris(2026, 4, 2, 9), end=paris(2026, 4, 2, 17), seats=9
    )
    second_march = MissionSession.objects.create(
        mission=d.missions["m1"], start=paris(2025, 3, 31, 23), end=paris(2025, 4, 1, 1), seats=9
    )
    attend(e4, late, "1.25")
    attend(e5, late, "2.5")
    attend(e6, late, "0.75")
    attend(e1, after_cut, "3")
    attend(e2, after_cut, None, status=EnrolmentStatus.CANCELLED)
    attend(e3, this_year, "6.5")
    attend(e1, this_year, "8")
    en = attend(e2, second_march, "1.75")
    attend(e4, second_march, None, status=EnrolmentStatus.NO_SHOW)
    attend(beta, late, "5")
    Feedback.objects.create(
        enrolment=en,
        satisfaction=2,
        meaning=3,
        would_recommend=False,
        consent_to_quote=True,
        comment="Too late in the evening.",
    )
    d.refunded, d.disputed, d.adjustment = refunded, disputed, adjustment
    d.late, d.this_year, d.e6, d.beta = late, this_year, e6, beta
    return d


def _assert_same(company, periods=None):
    for name, period in (periods or _periods()).items():
        aggregated = company_metrics(company=company, period=period)
        raw = company_metrics(company=company, period=period, raw=True)
        assert aggregated == raw, name


def test_every_figure_equals_the_raw_computation(rich_world, company_b):
    _assert_same(rich_world.company)
    _assert_same(company_b)
    # Read a second time, from buckets built by the first read: still the same.
    _assert_same(rich_world.company)
    assert FigureBucket.objects.filter(company=rich_world.company).exists()


def test_the_figures_read_aggregates_not_the_raw_gifts(rich_world):
    period = year_period(2025)
    company_metrics(company=rich_world.company, period=period)  # builds the buckets
    with CaptureQueriesContext(connection) as ctx:
        company_metrics(company=rich_world.company, period=period)
    raw = [q["sql"] for q in ctx.captured_queries if '"donations_donation"' in q["sql"]]
    assert raw == []
    # Enrolments are still read for feedback and skills valuation, never grouped for hours.
    grouped = [
        q["sql"]
        for q in ctx.captured_queries
        if '"missions_enrolment"' in q["sql"]
        and "GROUP BY" in q["sql"]
        and '"missions_feedback"' not in q["sql"]
    ]
    assert grouped == []


def test_aggregates_never_mix_companies(rich_world, company_b):
    company_metrics(company=rich_world.company, period=year_period(2025))
    company_metrics(company=company_b, period=year_period(2025))
    donors = set(
        GiftFigures.objects.filter(bucket__company=company_b).values_list(
            "donor__company", flat=True
        )
    )
    assert donors == {company_b.pk}
    employees = set(
        VolunteerFigures.objects.filter(bucket__company=rich_world.company).values_list(
            "employee__company", flat=True
        )
    )
    assert employees == {rich_world.company.pk}


# --------------------------------------------------------------------------------------------
# Freshness: a write after a report shows in the next report


def _kpis(company, period=None):
    return company_metrics(company=company, period=period or year_period(2025))["kpis"]


def test_a_refund_after_a_report_shows_in_the_next(rich_world):
    before = _kpis(rich_world.company)
    apply_refunds(donation=rich_world.refunded, refunds=[RefundState("re_more", 1000)])
    after = _kpis(rich_world.company)
    assert after["card_cents"] == before["card_cents"] - 1000
    assert after["matches_cents"] < before["matches_cents"]
    _assert_same(rich_world.company)


def test_a_lost_dispute_after_a_report_shows_in_the_next(rich_world):
    before = _kpis(rich_world.company)
    apply_dispute(
        state=DisputeState(
            external_id="dp_1",
            payment_id=rich_world.disputed.external_reference,
            amount_cents=2500,
            currency="EUR",
            status="lost",
        )
    )
    rich_world.disputed.refresh_from_db()
    after = _kpis(rich_world.company)
    if rich_world.disputed.kept_cents != 2500 or rich_world.disputed.status != "succeeded":
        assert after["card_cents"] != before["card_cents"]
    _assert_same(rich_world.company)


def test_attendance_and_hours_after_a_report_show_in_the_next(rich_world):
    from missions.services.attendance import set_hours_by_officer

    before = _kpis(rich_world.company)
    enrolment = rich_world.late.enrolments.get(employee=rich_world.employees[3])
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.save(update_fields=["status"])
    after = _kpis(rich_world.company)
    assert after["hours"] == before["hours"] - 1.25
    officer = make_employee(rich_world.company, email="csr@alpha.example", is_csr_officer=True)
    other = rich_world.late.enrolments.get(employee=rich_world.employees[4])
    set_hours_by_officer(officer=officer, enrolment_id=other.pk, hours="1")
    assert _kpis(rich_world.company)["hours"] == after["hours"] - 1.5
    _assert_same(rich_world.company)


def test_a_bulk_update_and_a_moved_session_show_in_the_next_report(rich_world):
    _kpis(rich_world.company)
    _kpis(rich_world.company, year_period(2026).as_of(TODAY))
    # Raw SQL-like writes without signals: a queryset update of gifts, a session moved a year.
    Donation.objects.filter(company=rich_world.company, occurred_at__year=2025).update(
        amount_cents=777, refunded_cents=0, status="succeeded", refunded_at=None
    )
    Match.objects.filter(company=rich_world.company).update(status="active", reversed_cents=0)
    MissionSession.objects.filter(pk=rich_world.late.pk).update(
        start=paris(2026, 1, 5, 18), end=paris(2026, 1, 5, 20)
    )
    _assert_same(rich_world.company)


def test_the_month_versions_move_on_every_kind_of_write(rich_world):
    month = FigureMonth.objects.get(company=rich_world.company, month=dt.date(2025, 11, 1))
    version = month.version
    attend(rich_world.employees[0], rich_world.late, "1")
    month.refresh_from_db()
    assert month.version > version
    version = month.version
    Match.objects.filter(donation__occurred_at__date=dt.date(2025, 11, 17)).update(reversed_cents=1)
    month.refresh_from_db()
    assert month.version > version


def test_the_rebuild_command_builds_every_month(rich_world):
    call_command("rebuild_report_figures")
    whole = FigureBucket.objects.filter(company=rich_world.company)
    assert {(b.start.year, b.start.month) for b in whole} >= {(2025, 1), (2025, 11), (2026, 4)}
    assert all(b.is_whole_month for b in whole)
    with CaptureQueriesContext(connection) as ctx:
        company_metrics(company=rich_world.company, period=year_period(2025))
    assert not any("INSERT" in q["sql"] for q in ctx.captured_queries)
    _assert_same(rich_world.company)


@pytest.mark.postgres
def test_a_payroll_run_confirmed_by_the_sql_path_shows_in_the_next_report(settings, world):  # noqa: F811
    """`world` is the payroll SQL test's forty pledgers (tests/donations/test_payroll_sql.py)."""
    if connection.vendor != "postgresql":
        pytest.skip("the set-based payroll path is PostgreSQL's")
    from donations.services import payroll_sql
    from donations.services.payroll import (
        confirm_payroll_run,
        export_deductions,
        import_net_pay,
        open_payroll_run,
    )

    company = world["company"]
    period = year_period(MONTH.year).as_of(TODAY)
    before = company_metrics(company=company, period=period)["kpis"]
    settings.CORDEE_PAYROLL_SQL = True
    assert payroll_sql.enabled()
    run = open_payroll_run(company=company, month=MONTH)
    import_net_pay(run=run, data=world["file"])
    export_deductions(run=run)
    assert confirm_payroll_run(run=run)
    after = company_metrics(company=company, period=period)["kpis"]
    assert after["payroll_cents"] > before["payroll_cents"]
    assert after["matches_cents"] > before["matches_cents"]
    assert after == company_metrics(company=company, period=period, raw=True)["kpis"]


def test_hours_are_exact_hundredths(rich_world):
    kpis = _kpis(rich_world.company)
    assert Decimal(str(kpis["hours"])) == Decimal(str(kpis["hours"])).quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    "company_before_gifts", [False, True], ids=["gifts first", "company first"]
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_table_deleted_in_any_order_commits(impact_data, company_before_gifts):
    """A flush deletes table by table in no set order. With the month rows gone first, deleting
    gifts makes the triggers write month rows again; the company may go before or after them.
    The transaction must commit either way (it failed on the month row's foreign key), and a
    gift deleted after its company writes no month row."""
    from django.db import transaction

    assert Donation.objects.filter(company=impact_data.company).exists()
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    first = ["reporting_figuremonth"]
    if company_before_gifts:
        first += ["portal_company", "donations_match", "donations_donation"]
    else:
        first += ["donations_match", "donations_donation", "portal_company"]
    ordered = first + sorted(set(tables) - set(first))
    with transaction.atomic():
        with connection.cursor() as cursor:
            for table in ordered:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
        written = FigureMonth.objects.count()
    assert not Donation.objects.exists()
    if company_before_gifts:
        assert written == 0
    else:
        assert written > 0  # left behind, harmless: the month table has no constraint
