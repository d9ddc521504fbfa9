"""The giving fixtures, shared with the leaver tests."""

from tests.donations.conftest import (  # noqa: F401 - fixtures
    associations,
    payroll_people,
    round_up_a,
)
