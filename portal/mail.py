"""What every app's e-mails share: a switch that silences them, the reader's language, headers
that hold on one line."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.conf import settings

from portal.inputs import single_line

_state = threading.local()


@contextmanager
def suppressed():
    """No e-mail for what happens inside (demo data, bulk imports, benchmarks), from any app."""
    previous = getattr(_state, "suppressed", False)
    _state.suppressed = True
    try:
        yield
    finally:
        _state.suppressed = previous


def is_suppressed() -> bool:
    return getattr(_state, "suppressed", False)


def language_of(profile) -> str:
    """The language to write to someone in: the one they last used on the site, else the site's."""
    return getattr(profile, "language", "") or settings.LANGUAGE_CODE


def remember_language(user, language: str) -> None:
    """Store the language a signed-in employee uses, for the e-mails sent to them later."""
    from portal.models import EmployeeProfile

    codes = {code for code, _name in settings.LANGUAGES}
    language = (language or "").split("-")[0]
    if language in codes and getattr(user, "is_authenticated", False):
        EmployeeProfile.objects.filter(user=user).exclude(language=language).update(
            language=language
        )


def absolute(path: str) -> str:
    """A site path as the full URL an e-mail or a calendar needs."""
    return settings.BASE_URL.rstrip("/") + path


def header_text(value: str) -> str:
    """`value` made safe for an e-mail header (subject, display name): on one line, without
    control characters. Titles are validated single-line when typed; this also covers text
    saved before that rule, which would otherwise make sending raise (BadHeaderError)."""
    return single_line(str(value or ""))


def subject_and_body(rendered: str) -> tuple[str, str]:
    """Split a rendered e-mail template: its first line is the subject (prefixed with the site's
    name, made header-safe), the rest the body."""
    subject, _, body = rendered.strip().partition("\n")
    return header_text(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject), body.strip() + "\n"
