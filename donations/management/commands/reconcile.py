"""`manage.py reconcile`: check the money trail's invariants; non-zero exit when one breaks."""

from django.core.management.base import BaseCommand, CommandError

from donations.services.reconcile import reconcile


class Command(BaseCommand):
    help = "Check giving invariants (balances, matching caps and budget, card payments, runs)."

    def handle(self, *args, **options):
        problems = reconcile()
        if not problems:
            self.stdout.write(self.style.SUCCESS("Reconciled: every invariant holds."))
            return
        self.stdout.write(self.style.ERROR(f"{len(problems)} problem(s) found:"))
        for problem in problems:
            self.stdout.write(f"- [{problem.check}] {problem.detail}")
        raise CommandError("reconciliation failed", returncode=2)
