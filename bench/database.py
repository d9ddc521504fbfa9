"""The benchmark's own database: chosen and created before Django starts, then migrated."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SQLITE_PATH = ROOT / "var" / "bench.sqlite3"


def bench_database_url() -> str:
    """BENCH_DATABASE_URL, else DATABASE_URL's server with a `_bench` database, else SQLite.

    The benchmark writes tens of thousands of rows: it never reuses a working database, so a
    DATABASE_URL naming `cordee` becomes `cordee_bench` on the same server.
    """
    explicit = os.environ.get("BENCH_DATABASE_URL")
    if explicit:
        return explicit
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        name = parts.path.lstrip("/") or "cordee"
        if not name.endswith("bench"):
            name = f"{name}_bench"
        return urlunsplit(parts._replace(path=f"/{name}"))
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{SQLITE_PATH}"


def _create_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup() -> str:
    """Point Django at the bench database, create and migrate it; returns a printable name."""
    url = bench_database_url()
    if url.startswith(("postgres://", "postgresql://")):
        _create_postgres_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("CORDEE_TESTING", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    elapsed = time.perf_counter() - started
    if elapsed > 1:
        print(f"[bench] migrated the bench database in {elapsed:.0f} s")
    settings = connection.settings_dict
    label = settings["NAME"] if connection.vendor == "sqlite" else f"{settings['NAME']}"
    return f"{connection.vendor} {connection.Database.__name__} · {label}"
