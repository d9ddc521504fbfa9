"""Rebuild the impact figures' aggregates from the raw rows (every month that holds data)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from portal.models import Company
from reporting.aggregates import rebuild_all


class Command(BaseCommand):
    help = (
        "Rebuild the aggregates the impact figures read (reporting/aggregates.py) from the raw "
        "gifts, matches and enrolments: every month that holds data, for every company or one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--company", help="the slug of one company (default: all)")

    def handle(self, *args, company=None, **options):
        started = time.perf_counter()
        target = Company.objects.get(slug=company) if company else None
        count = rebuild_all(target)
        self.stdout.write(f"rebuilt {count} month(s) in {time.perf_counter() - started:.1f} s")
