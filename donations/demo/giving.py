"""Giving demo data: a year of payroll runs, pledges, card gifts (dummy provider) and matches.

Idempotent: a company that already has pledges is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from donations.models import MatchingPolicy, PayrollRun, Pledge, PledgeAllocation
from donations.payments.dummy import DummyProvider
from donations.services.cards import handle_provider_event, start_card_donation
from donations.services.disbursements import (
    NothingToDisburse,
    create_disbursement_batch,
    mark_batch_paid,
)
from donations.services.notifications import suppressed
from donations.services.payroll import (
    compute_payroll_run,
    confirm_payroll_run,
    export_deductions,
    import_net_pay,
    open_payroll_run,
)
from donations.services.pledges import set_round_up_associations
from portal.calendar import add_months, month_of
from portal.models import Company, EmployeeProfile

SEED = 4
MONTHS = 12
PLEDGE_SHARE = 0.3
RULES = ["cents", "cents", "cents", "round_5", "round_10", "fixed"]


def seed(*, scale=None) -> None:
    from missions.models import AssociationPage

    associations = list(
        AssociationPage.objects.live()
        .filter(vetting_status=AssociationPage.Vetting.APPROVED)
        .order_by("pk")[:8]
    )
    if not associations:
        return
    for company in Company.objects.order_by("pk"):
        if Pledge.objects.filter(company=company).exists():
            continue
        seed_company(company, associations)


@suppressed()  # demo gifts, pledges and runs e-mail nobody
@transaction.atomic  # one commit per company: SQLite pays an fsync for each of ~120 otherwise
def seed_company(company: Company, associations, *, today: dt.date | None = None) -> None:
    rng = random.Random(f"{SEED}-{company.slug}")  # noqa: S311 - reproducible demo data, not secrets
    today = today or timezone.localdate()
    this_month = month_of(today)
    first_month = add_months(this_month, -MONTHS)
    round_up = associations[:6]
    set_round_up_associations(company=company, association_ids=[a.pk for a in round_up])
    headcount = company.employees.count()
    for year in (first_month.year, this_month.year):
        MatchingPolicy.objects.get_or_create(
            company=company,
            period_start=dt.date(year, 1, 1),
            defaults={
                "period_end": dt.date(year + 1, 1, 1),
                "ratio_numerator": 1,
                "ratio_denominator": 1,
                "employee_yearly_cap_cents": 30_000,
                # Horizon's budget lasts the year with room for the gifts made while trying the
                # demo; Lumen's runs out with November's card gifts, so partial matches show.
                "yearly_budget_cents": max(headcount, 10) * 900,
                "currency": company.currency,
                "match_card": True,
                "match_payroll": True,
            },
        )
    employees = list(
        EmployeeProfile.objects.filter(company=company)
        .exclude(employee_number="")
        .select_related("user")
        .order_by("pk")
    )
    pledgers = [e for e in employees if e.user.email.startswith("employee@")]
    pledgers += [e for e in employees if e not in pledgers and rng.random() < PLEDGE_SHARE]
    _create_pledges(company, pledgers, round_up, rng, first_month)
    pay = {e.employee_number: rng.randint(1_800_00, 5_200_00) for e in employees}
    for i in range(MONTHS + 1):
        month = add_months(first_month, i)
        if PayrollRun.objects.filter(company=company, month=month).exists():
            continue
        lines = ["matricule;net_a_payer"]
        for number, base in pay.items():
            cents = base + rng.randint(-4_000, 4_000)
            lines.append(f"{number};{cents // 100},{cents % 100:02d}")
        run = open_payroll_run(company=company, month=month)
        result = import_net_pay(
            run=run, data="\n".join(lines).encode(), filename=f"paie-{month:%Y-%m}.csv"
        )
        if result.run.status == PayrollRun.Status.COMPUTING:
            compute_payroll_run(run_id=run.pk)
        if month < this_month:
            export_deductions(run=run)
            confirm_payroll_run(run=run)
    _card_gifts(company, employees, associations, rng)
    try:
        batch = create_disbursement_batch(company=company, period_end=add_months(this_month, -6))
        mark_batch_paid(batch=batch, reference=f"VIR-{company.slug.upper()}-{batch.pk:04d}")
    except NothingToDisburse:
        pass


def _start_month(profile, first_month, offset: int):
    # The main demo employee gives from the first month on, so that last year always holds a
    # gift of hers (her tax receipt in the demo), whatever the day the demo is seeded.
    return (
        first_month
        if profile.user.email.startswith("employee@")
        else add_months(first_month, offset)
    )


@transaction.atomic
def _create_pledges(company, pledgers, round_up, rng, first_month) -> None:
    now = timezone.now()
    pledges = []
    shares = []
    for profile in pledgers:
        rule = rng.choice(RULES)
        pledges.append(
            Pledge(
                employee=profile,
                company=company,
                rule=rule,
                fixed_amount_cents=rng.choice([200, 500, 1000]) if rule == "fixed" else None,
                monthly_cap_cents=rng.choice([None, None, 800]) if rule != "fixed" else None,
                currency=company.currency,
                start_month=_start_month(profile, first_month, rng.randint(0, 3)),
                consent_text_version="2026-01",
                consented_at=now,
            )
        )
    Pledge.objects.bulk_create(pledges)
    for pledge in Pledge.objects.filter(company=company):
        picked = rng.sample(round_up, rng.choice([1, 1, 2]))
        split = [100] if len(picked) == 1 else [60, 40]
        shares += [
            PledgeAllocation(pledge=pledge, association=a, percent=p)
            for a, p in zip(picked, split, strict=True)
        ]
    PledgeAllocation.objects.bulk_create(shares)


def _card_gifts(company, employees, associations, rng) -> None:
    """Card gifts paid through the dummy provider and recorded by the same webhook service."""
    provider = DummyProvider()
    donors = [e for e in employees if e.user.email.startswith("employee@")]
    donors += rng.sample(employees, min(len(employees), 25))
    for donor in donors:
        attempt = start_card_donation(
            donor=donor,
            association_id=rng.choice(associations).pk,
            amount_cents=rng.choice([1000, 2000, 2500, 5000, 10000]),
            cover_fees=rng.random() < 0.3,
            provider=provider,
        )
        handle_provider_event(provider.succeeded_event(attempt.external_id), provider=provider)
