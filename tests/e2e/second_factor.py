"""Browser sign-ins of privileged people: a TOTP authenticator, and its code typed like a person.

Privileged roles need a second factor (portal/mfa.py): their sign-in through the real form asks
for the code; it is computed from the seeded secret with allauth's own TOTP helpers.
"""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth import get_user_model

from portal.mfa import is_privileged

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# The time step of the last code typed per user: allauth refuses a code used twice.
_last_step: dict[int, int] = {}


def seed_totp(email: str) -> None:
    """Give a privileged person an authenticator app (once), before they sign in."""
    user = get_user_model().objects.filter(email=email).first()
    if user is None or not is_privileged(user):
        return
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, SECRET)


def pass_second_factor(page, email: str) -> None:
    """If the sign-in asks for the code, type the current one (waiting for a fresh step)."""
    page.wait_for_load_state()
    if "/accounts/2fa/authenticate/" not in page.url:
        return
    user_id = get_user_model().objects.get(email=email).pk
    step = int(time.time()) // 30
    while step == _last_step.get(user_id):
        time.sleep(1)
        step = int(time.time()) // 30
    _last_step[user_id] = step
    page.get_by_label("Code").fill(format_hotp_value(hotp_value(SECRET, step)))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
