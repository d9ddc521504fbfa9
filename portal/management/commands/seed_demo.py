"""`manage.py seed_demo`: every app's demo data (settings.CORDEE_DEMO_SEEDERS), then the logins.

It imports no app: each app's `demo` package seeds its own data, the site tree first.
"""

from __future__ import annotations

import inspect
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from portal.demo.people import (
    ADMIN_EMAIL,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DemoScale,
    current_scale,
    demo_accounts,
)
from portal.management.commands.demo_totp_code import demo_totp_uri


class Command(BaseCommand):
    help = "Create the demo companies, people and catalogue (idempotent) and print the logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=["small", "full"],
            help="How much data (default: CORDEE_DEMO_SCALE or full).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off (the demo password is public: never in production).",
        )

    def handle(self, *args, scale: str | None = None, force: bool = False, **options):
        if not (settings.DEBUG or settings.TESTING or force):
            raise CommandError(
                "Demo accounts share a published password: seed only with DEBUG=true "
                "(or --force on a throw-away database)."
            )
        demo_scale = DemoScale.named(scale) if scale else current_scale()
        started = time.perf_counter()
        for path in settings.CORDEE_DEMO_SEEDERS:
            step = time.perf_counter()
            seeder = import_string(path)
            # Seeders that can shrink their data take the scale; the others run as they are.
            if "scale" in inspect.signature(seeder).parameters:
                seeder(scale=demo_scale)
            else:
                seeder()
            if options["verbosity"] >= 1:
                self.stdout.write(f"  {path}: {time.perf_counter() - step:.1f} s")
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(f"Demo data ready in {time.perf_counter() - started:.1f} s.")
            )
            self.print_accounts()

    def print_accounts(self) -> None:
        accounts = list(demo_accounts())
        width = max(len(a.email) for a in accounts)
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        for account in accounts:
            self.stdout.write(
                f"  {account.role:<15} {account.email:<{width}}  {account.company} · {account.name}"
            )
        self.stdout.write(
            "Association workspaces (/association/): contact@<association slug>.example for"
            " every association with sessions."
        )
        self.stdout.write("Wagtail admin: /admin/ (platform admin and CSR officers).")
        self.stdout.write(
            "Second factor of the platform admin, CSR officers, payroll officers and executives"
            f" (TOTP secret {DEMO_TOTP_SECRET}): the code now is printed by"
            " `DEBUG=true .venv/bin/python manage.py demo_totp_code`"
            f", or add {demo_totp_uri(ADMIN_EMAIL)} to an authenticator app."
        )
