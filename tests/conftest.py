"""Shared fixtures: the test clock, the site tree, two companies and their people."""

import datetime as dt
import os

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from missions.services.catalogue import ensure_site_tree
from tests.factories import CompanyFactory, make_employee

# Every test starts at the same instant, so a test never depends on the day or hour it runs:
# a Tuesday mid-morning in Paris, or CORDEE_TEST_CLOCK (an ISO 8601 instant with its offset), which
# CI sets just before midnight on 31 December to bring date-boundary bugs out.
DEFAULT_TEST_CLOCK = "2026-11-17T10:00:00+01:00"


def clock_start() -> dt.datetime:
    value = os.environ.get("CORDEE_TEST_CLOCK") or DEFAULT_TEST_CLOCK
    start = dt.datetime.fromisoformat(value)
    if start.tzinfo is None:
        raise pytest.UsageError(f"CORDEE_TEST_CLOCK needs a UTC offset: {value!r}")
    return start


@pytest.fixture(autouse=True)
def clock(request):
    """The test's clock (a time_machine traveller: `clock.shift(...)`, `clock.move_to(...)`).

    It ticks, so durations and timeouts still behave. Browser tests keep the real clock: Chromium
    would drop cookies whose expiry the travelled server set in its past.
    """
    if request.node.get_closest_marker("e2e"):
        yield None
        return
    with time_machine.travel(clock_start(), tick=True) as traveller:
        yield traveller


@pytest.fixture
def on_the_default_day(clock):
    """For tests whose dates are literal (written for Tuesday 17 November 2026): the clock goes
    back to that day even when CORDEE_TEST_CLOCK moves every other test elsewhere."""
    clock.move_to(dt.datetime.fromisoformat(DEFAULT_TEST_CLOCK))
    return clock


@pytest.fixture(autouse=True)
def _no_shared_state(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # allauth's rate-limit counters live in the cache: without this, sign-ups and logins of
    # earlier tests in the same worker would count against later ones.
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (French): a test that activates English
    without restoring it must not change what the next test in the process sees."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path_factory):
    # Private files (archived reports…) of each test in a folder of their own, never in var/.
    settings.PRIVATE_MEDIA_ROOT = tmp_path_factory.mktemp("private")


def _force_login_with_second_factor(self, user, backend=None):
    """Client.force_login, plus the record a TOTP sign-in leaves for privileged users.

    Privileged roles need a second factor on admin and money screens (portal/mfa.py): a test
    that signs a CSR officer in directly stands for one who typed their code. Tests of the rule
    itself sign in through allauth's form (tests/portal/test_mfa.py) or use
    `force_login_without_second_factor`.
    """
    _plain_force_login(self, user, backend)
    _record_second_factor(self, user)


def _login_with_second_factor(self, **credentials) -> bool:
    """Client.login likewise: a privileged person's password sign-in stands for one with TOTP."""
    from django.contrib.auth import get_user

    signed_in = _plain_login(self, **credentials)
    if signed_in:
        _record_second_factor(self, get_user(_SessionRequest(self.session)))
    return signed_in


def _record_second_factor(client, user) -> None:
    from allauth.account.internal.flows.login import record_authentication

    from portal.mfa import is_privileged

    if is_privileged(user):
        request = _SessionRequest(client.session)
        record_authentication(request, user, "mfa", id=0, type="totp")
        request.session.save()
        client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key


class _SessionRequest:
    """The little of a request that allauth's record_authentication reads: its session."""

    def __init__(self, session) -> None:
        self.session = session


_plain_force_login = Client.force_login
_plain_login = Client.login


@pytest.fixture(autouse=True)
def _second_factor_for_force_login(monkeypatch):
    monkeypatch.setattr(Client, "force_login", _force_login_with_second_factor)
    monkeypatch.setattr(Client, "login", _login_with_second_factor)


@pytest.fixture
def force_login_without_second_factor():
    """Sign a user in with a plain password session (no second factor recorded)."""

    def login(client, user) -> None:
        _plain_force_login(client, user)

    return login


@pytest.fixture
def site_tree(db):
    return ensure_site_tree()


@pytest.fixture
def company_a(site_tree):
    return CompanyFactory(name="Alpha Industries", slug="alpha", domains=["alpha.example"])


@pytest.fixture
def company_b(site_tree):
    return CompanyFactory(name="Beta Conseil", slug="beta", domains=["beta.example"])


@pytest.fixture
def employee_a(company_a):
    return make_employee(company_a, email="ana@alpha.example", first_name="Ana")


@pytest.fixture
def employee_b(company_b):
    return make_employee(company_b, email="bob@beta.example", first_name="Bob")


@pytest.fixture
def csr_a(company_a):
    return make_employee(company_a, email="csr@alpha.example", is_csr_officer=True)


@pytest.fixture
def csr_b(company_b):
    return make_employee(company_b, email="csr@beta.example", is_csr_officer=True)
