"""docs/deploy.md documents every environment variable the code reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# env.str("NAME" / env.bool("NAME" / env.db("NAME" / os.environ.get("NAME" ... in our own code.
READ = re.compile(
    r"""(?:env(?:\.\w+)?|os\.environ\.get|os\.getenv)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def variables_read() -> set[str]:
    names: set[str] = set()
    for folder in ["portal", "missions", "donations", "reporting"]:
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(READ.findall(path.read_text(encoding="utf-8")))
    names.discard("DJANGO_SETTINGS_MODULE")  # the standard Django variable, set by manage.py
    return names


def test_every_environment_variable_is_documented_in_deploy_md():
    documented = set(
        re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", (ROOT / "docs/deploy.md").read_text(), re.M)
    )
    read = variables_read()
    assert "DATABASE_URL" in read and "SECRET_KEY" in read  # the scan itself works
    assert read - documented == set(), "undocumented in docs/deploy.md"
