"""Print the current TOTP code of the privileged demo accounts (demo secret, demo only)."""

from __future__ import annotations

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand

from portal.demo.people import DEMO_TOTP_SECRET


def demo_totp_uri(email: str) -> str:
    return f"otpauth://totp/Cord%C3%A9e:{email}?secret={DEMO_TOTP_SECRET}&issuer=Cord%C3%A9e"


class Command(BaseCommand):
    help = "Print the current second-factor code of the privileged demo accounts."

    def handle(self, *args, **options) -> None:
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30)))
