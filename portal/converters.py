"""URL converters whose values every view can use: out-of-range ids and years answer 404.

Registered by PortalConfig.ready() as `id` and `year`: `path("runs/<id:pk>/", …)`. A value the
converter refuses (`to_python` raises ValueError) makes Django try the next pattern, then 404.
"""

from __future__ import annotations

from portal.inputs import MAX_ID, id_in_range, year_in_range


class IdConverter:
    """A database id: 1 to 2**63 - 1 (the int converter takes 0 and any number of digits)."""

    regex = f"[0-9]{{1,{len(str(MAX_ID))}}}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not id_in_range(number):
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class YearConverter:
    """A calendar year Cordée can compute with (portal.inputs.MIN_YEAR to MAX_YEAR)."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not year_in_range(year):
            raise ValueError(value)
        return year

    def to_url(self, value) -> str:
        return f"{int(value):04d}"
