"""Receipt numbers under concurrency (PostgreSQL): two issuers at once never share or skip one."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from donations.models import ReceiptCounter, TaxReceipt
from donations.services import receipts as service
from tests.donations.helpers import make_donation
from tests.donations.receipt_helpers import IN_2025, YEAR, give_address, ready_association
from tests.factories import make_employee

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite locks all)"
    ),
]


def _in_threads(work, count: int) -> list:
    """Run `work(i)` in `count` threads started together; their results or exceptions."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # the test asserts on what each thread met
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_numbers_are_unique_and_gap_free(site_tree):
    association = ready_association()

    def take_many(_i: int) -> list[int]:
        taken = []
        for _ in range(15):
            with transaction.atomic():
                taken.append(service.take_number(association_id=association.pk, year=YEAR))
        return taken

    results = _in_threads(take_many, 4)
    numbers = sorted(n for found in results for n in found)
    assert numbers == list(range(1, 61))
    assert ReceiptCounter.objects.get(association=association, year=YEAR).last_number == 60


def test_concurrent_issue_and_replace_keep_receipts_unique(company_a):
    association = ready_association()
    donors = [make_employee(company_a) for _ in range(4)]
    for donor in donors:
        give_address(donor)
        make_donation(donor, association, 2_000, when=IN_2025)
    first = service.issue_employee_receipt(association=association, donor=donors[0], year=YEAR)

    def work(i: int):
        if i == 0:
            return service.cancel_receipt(
                receipt_id=first.pk, association_id=association.pk, reason="typo in the name"
            )
        return service.issue_employee_receipt(association=association, donor=donors[i], year=YEAR)

    results = _in_threads(work, 4)
    assert not [r for r in results if isinstance(r, Exception)], results
    receipts = TaxReceipt.objects.filter(association=association, year=YEAR)
    assert sorted(receipts.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    assert receipts.filter(status="issued").count() == 4
    replacement = receipts.get(replaces=first)
    assert replacement.number > 1
