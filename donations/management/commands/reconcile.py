"""`manage.py reconcile`: check the money trail's invariants; non-zero exit when one breaks."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from donations.payments import get_provider
from donations.services.cards import sync_payment
from donations.services.reconcile import PROVIDER_LOOKBACK_DAYS, reconcile, unrecorded_payments


class Command(BaseCommand):
    help = (
        "Check giving invariants (balances, matching caps and budget, card payments, runs), "
        "and that every payment the provider says succeeded has its donation."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=PROVIDER_LOOKBACK_DAYS,
            help="How far back to list the provider's payments (default: %(default)s days).",
        )
        parser.add_argument(
            "--offline", action="store_true", help="Do not ask the payment provider."
        )
        parser.add_argument(
            "--record-missing",
            action="store_true",
            help="Record the donations of succeeded payments whose webhook never arrived.",
        )

    def handle(self, *args, days, offline, record_missing, **options):
        provider = None if offline else get_provider()
        since = timezone.now() - dt.timedelta(days=days)
        if record_missing and provider is not None:
            for payment in unrecorded_payments(provider, since):
                outcome = sync_payment(external_id=payment.external_id, provider=provider)
                self.stdout.write(f"payment {payment.external_id}: {outcome}")
        problems = reconcile(provider=provider, since=since)
        if not problems:
            self.stdout.write(self.style.SUCCESS("Reconciled: every invariant holds."))
            return
        self.stdout.write(self.style.ERROR(f"{len(problems)} problem(s) found:"))
        for problem in problems:
            self.stdout.write(f"- [{problem.check}] {problem.detail}")
        raise CommandError("reconciliation failed", returncode=2)
