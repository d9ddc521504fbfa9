"""Erase the personal data of leavers past the retention period (`--dry-run` lists them only)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from portal.privacy import services


class Command(BaseCommand):
    help = (
        "Erase the personal data of leavers whose leave date is older than the retention period "
        "(CORDEE_LEAVER_RETENTION_MONTHS or the company's own). --dry-run only lists them."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would be erased; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        due = services.leavers_due()
        for leaver in due:
            profile = leaver.profile
            self.stdout.write(
                f"{profile.company.slug}\tprofile #{profile.pk}\tleft {leaver.leave_date}"
                f"\tdue {leaver.purge_on}"
            )
        if dry_run:
            self.stdout.write(f"{len(due)} leaver(s) would be erased (dry run: nothing changed).")
            return
        result = services.purge_expired_leavers()
        for profile_id, reasons in result.refused.items():
            self.stdout.write(f"profile #{profile_id} not erased: {' '.join(reasons)}")
        self.stdout.write(f"{len(result.erased)} leaver(s) erased, {len(result.refused)} refused.")
