"""Shared fixtures: the site tree, two companies and their people."""

import pytest
from django.core.cache import cache

from missions.services.catalogue import ensure_site_tree
from tests.factories import CompanyFactory, make_employee


@pytest.fixture(autouse=True)
def _no_shared_state(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # allauth's rate-limit counters live in the cache: without this, sign-ups and logins of
    # earlier tests in the same worker would count against later ones.
    cache.clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path_factory):
    # Private files (archived reports…) of each test in a folder of their own, never in var/.
    settings.PRIVATE_MEDIA_ROOT = tmp_path_factory.mktemp("private")


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
