"""The giving demo seeder: a year of runs, pledges, card gifts and matches that reconcile."""

import pytest

from donations.models import Donation, Match, PayrollRun, Pledge
from donations.services.reconcile import reconcile
from portal.demo.people import DemoScale

pytestmark = pytest.mark.django_db


def test_demo_seed_is_consistent_and_idempotent(site_tree):
    from donations.demo.giving import seed as seed_giving
    from missions.demo.catalogue import seed as seed_missions
    from portal.demo.people import seed as seed_people

    scale = DemoScale.named("small")
    seed_people(scale=scale)
    seed_missions(scale=scale)
    seed_giving(scale=scale)
    assert PayrollRun.objects.filter(status="confirmed").count() == 24
    assert Donation.objects.filter(source="payroll").exists()
    assert Donation.objects.filter(source="card").exists()
    assert Match.objects.exists()
    assert Pledge.objects.filter(employee__user__email__startswith="employee@").count() == 2
    assert reconcile() == []
    counts = (Donation.objects.count(), Match.objects.count())
    seed_giving(scale=scale)
    assert (Donation.objects.count(), Match.objects.count()) == counts


def test_demo_leave_days_show_a_gift_and_a_pending_offer_once(site_tree):
    from donations.demo.leave_days import seed as seed_leave_days
    from donations.models import CompanyGift, LeaveDayRequest
    from missions.demo.catalogue import seed as seed_missions
    from portal.demo.people import seed as seed_people

    scale = DemoScale.named("small")
    seed_people(scale=scale)
    seed_missions(scale=scale)
    seed_leave_days(scale=scale)
    statuses = sorted(LeaveDayRequest.objects.values_list("status", flat=True))
    assert statuses == ["accepted", "accepted", "requested", "requested"]
    assert CompanyGift.objects.filter(kind="leave_day").count() == 2
    seed_leave_days(scale=scale)
    assert LeaveDayRequest.objects.count() == 4


def test_demo_receipts_are_issued_for_last_year_and_idempotent(site_tree):
    from django.utils import timezone

    from donations.demo.giving import seed as seed_giving
    from donations.demo.receipts import seed as seed_receipts
    from donations.models import TaxReceipt
    from missions.demo.catalogue import seed as seed_missions
    from portal.demo.people import seed as seed_people

    scale = DemoScale.named("small")
    seed_people(scale=scale)
    seed_missions(scale=scale)
    seed_giving(scale=scale)
    seed_receipts(scale=scale)
    year = timezone.localdate().year - 1
    receipts = TaxReceipt.objects.filter(year=year, status="issued")
    assert receipts.filter(kind="employee", donor__user__email__startswith="employee@").exists()
    assert receipts.filter(kind="company").exists()
    count = receipts.count()
    seed_receipts(scale=scale)
    assert TaxReceipt.objects.count() == count


def test_demo_campaigns_run_and_match_at_their_ratio(site_tree):
    from donations.demo.campaigns import seed as seed_campaigns
    from donations.demo.giving import seed as seed_giving
    from donations.models import Campaign
    from donations.selectors import open_campaigns, progress_of
    from missions.demo.catalogue import seed as seed_missions
    from portal.demo.people import seed as seed_people
    from portal.models import Company

    scale = DemoScale.named("small")
    seed_people(scale=scale)
    seed_missions(scale=scale)
    seed_giving(scale=scale)
    seed_campaigns(scale=scale)
    company = Company.objects.order_by("pk").first()
    kinds = sorted(c.kind for c in open_campaigns(company))
    assert kinds == ["giving", "volunteering"]
    christmas = Campaign.objects.get(company=company, kind="giving")
    matches = list(Match.objects.filter(campaign=christmas).select_related("donation"))
    assert matches and all(m.amount_cents == 2 * m.donation.amount_cents for m in matches)
    christmas.refresh_from_db()
    assert christmas.match_spent_cents == sum(m.amount_cents for m in matches)
    assert progress_of(christmas).raised_cents > 0
    assert reconcile() == []
    counts = (Campaign.objects.count(), Match.objects.count())
    seed_campaigns(scale=scale)
    assert (Campaign.objects.count(), Match.objects.count()) == counts
