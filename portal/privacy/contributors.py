"""The per-app contributors of personal data, named in `settings.CORDEE_PERSONAL_DATA`.

Each entry is the dotted path of a module with:

- `export(profile) -> dict[str, list[dict]]`: the person's rows, by table name (a table name is
  also the file name of its CSV, so keep it short: `enrolments`, `pledges`…). A table with no
  row is still listed, with an empty list, so the person sees it was looked at;
- `erase(profile) -> dict[str, int]`: pseudonymise or delete what the app holds on the person,
  keeping what the law needs (money and tax records); returns counts of rows touched; it runs
  inside the erasure's transaction and must be idempotent;
- optionally `erasure_blockers(profile) -> list[str]`: why the person cannot be erased right
  now (money in flight), as sentences shown to them; an empty list lets the erasure run;
- optionally `export_account(user)` and `erase_account(user)`: the same for an account without
  an employee profile (an association member), with the same rules; and `holds_account(user)
  -> bool`: whether the app knows the account as one of those (portal imports no app, so it
  asks).

A contributor also declares which fields pointing to a person its tables cover
(`PERSON_FIELDS`: "app.Model.field" -> table name) and which it does not export, with the
reason (`NOT_EXPORTED`: "app.Model.field" -> why); tests/portal/test_privacy_coverage.py walks
every model and fails on a person field that is in neither.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from portal.models import EmployeeProfile


def contributors() -> list[ModuleType]:
    return [importlib.import_module(path) for path in settings.CORDEE_PERSONAL_DATA]


def _optional(module: ModuleType, name: str) -> Callable | None:
    return getattr(module, name, None)


def export_tables(profile: EmployeeProfile) -> dict[str, list[dict]]:
    """Every contributor's tables, in the order of the setting; a repeated name is an error."""
    tables: dict[str, list[dict]] = {}
    for module in contributors():
        for name, rows in module.export(profile).items():
            if name in tables:
                raise ValueError(f"Two contributors export a table named {name!r}.")
            tables[name] = list(rows)
    return tables


def erasure_blockers(profile: EmployeeProfile) -> list[str]:
    reasons: list[str] = []
    for module in contributors():
        if check := _optional(module, "erasure_blockers"):
            reasons.extend(str(reason) for reason in check(profile))
    return reasons


def erase_everywhere(profile: EmployeeProfile) -> dict[str, int]:
    """Each contributor's erase(), the apps first and portal's account and profile last."""
    counts: dict[str, int] = {}
    for module in reversed(contributors()):
        for key, value in (module.erase(profile) or {}).items():
            counts[key] = counts.get(key, 0) + value
    return counts


def export_account_tables(user) -> dict[str, list[dict]]:
    """An account without an employee profile: every contributor's `export_account` tables."""
    tables: dict[str, list[dict]] = {}
    for module in contributors():
        if export := _optional(module, "export_account"):
            for name, rows in export(user).items():
                if name in tables:
                    raise ValueError(f"Two contributors export a table named {name!r}.")
                tables[name] = list(rows)
    return tables


def holds_account_data(user) -> bool:
    """Whether an app knows this account (without an employee profile) as one of its people."""
    return any(
        holds(user) for module in contributors() if (holds := _optional(module, "holds_account"))
    )


def erase_account_everywhere(user) -> dict[str, int]:
    counts: dict[str, int] = {}
    for module in reversed(contributors()):
        if erase := _optional(module, "erase_account"):
            for key, value in (erase(user) or {}).items():
                counts[key] = counts.get(key, 0) + value
    return counts


__all__ = [
    "contributors",
    "erase_account_everywhere",
    "erase_everywhere",
    "erasure_blockers",
    "export_account_tables",
    "export_tables",
    "holds_account_data",
]
