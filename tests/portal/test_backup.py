"""Backup and restore (tools/backup.py) of a seeded PostgreSQL database and its files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _url(name: str) -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host, port = s.get("HOST") or "127.0.0.1", s.get("PORT") or 5432
    return f"postgres://{s.get('USER') or 'postgres'}{password}@{host}:{port}/{name}"


def _run(*args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def _env(database: str, media: Path, private: Path) -> dict:
    env = {**os.environ, "DATABASE_URL": _url(database), "DEBUG": "true"}
    env.update(MEDIA_ROOT=str(media), PRIVATE_MEDIA_ROOT=str(private), CORDEE_DEMO_SCALE="small")
    env.pop("REDIS_URL", None)
    env.pop("CORDEE_TESTING", None)
    return env


def _query(database: str, sql: str):
    with psycopg.connect(_url(database)) as conn:
        return conn.execute(sql).fetchone()


MONEY = "SELECT count(*), coalesce(sum(amount_cents), 0) FROM donations_donation"


def test_a_seeded_database_and_its_files_come_back_whole(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("backups are of PostgreSQL databases")
    source = connection.settings_dict["NAME"]
    media, private = tmp_path / "media", tmp_path / "private"
    env = _env(source, media, private)
    seeded = _run("manage.py", "seed_demo", env=env)
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    (private / "statements").mkdir(parents=True, exist_ok=True)
    (private / "statements" / "kept.txt").write_text("a private file")
    money_before = _query(source, MONEY)
    assert money_before[0] > 0, "the demo seeds gifts"

    made = _run("-m", "tools.backup", "backup", str(tmp_path / "backup"), env=env)
    assert made.returncode == 0, made.stderr[-2000:]
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["row_counts"]["donations_donation"] == money_before[0]

    target = f"{source}_restored"
    subprocess.run(["dropdb", "--if-exists", *_pg(), target], check=True)
    subprocess.run(["createdb", *_pg(), target], check=True)
    try:
        restored_env = _env(target, tmp_path / "media2", tmp_path / "private2")
        restored = _run("-m", "tools.backup", "restore", str(tmp_path / "backup"), env=restored_env)
        assert restored.returncode == 0, restored.stderr[-2000:]
        assert _query(target, MONEY) == money_before
        assert (tmp_path / "private2" / "statements" / "kept.txt").read_text() == "a private file"
        archived = list((tmp_path / "private2").rglob("*.pdf"))
        assert archived, "the demo's archived reports are private files and come back"
        # A second restore into the now full database is refused, and changes nothing.
        again = _run("-m", "tools.backup", "restore", str(tmp_path / "backup"), env=restored_env)
        assert again.returncode == 1
        assert "already has tables" in again.stderr
        assert _query(target, MONEY) == money_before
    finally:
        subprocess.run(["dropdb", "--if-exists", *_pg(), target], check=True)


def test_a_damaged_backup_is_refused_before_anything_is_written(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("backups are of PostgreSQL databases")
    source = connection.settings_dict["NAME"]
    env = _env(source, tmp_path / "media", tmp_path / "private")
    made = _run("-m", "tools.backup", "backup", str(tmp_path / "backup"), env=env)
    assert made.returncode == 0, made.stderr[-2000:]
    with (tmp_path / "backup" / "database.dump").open("ab") as dump:
        dump.write(b"tampered")
    target = f"{source}_damaged"
    subprocess.run(["dropdb", "--if-exists", *_pg(), target], check=True)
    subprocess.run(["createdb", *_pg(), target], check=True)
    try:
        restored = _run(
            "-m",
            "tools.backup",
            "restore",
            str(tmp_path / "backup"),
            env=_env(target, tmp_path / "m2", tmp_path / "p2"),
        )
        assert restored.returncode == 1
        assert "checksum" in restored.stderr
        assert _query(target, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == (0,)
    finally:
        subprocess.run(["dropdb", "--if-exists", *_pg(), target], check=True)


def test_backing_up_into_an_existing_folder_is_refused(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("backups are of PostgreSQL databases")
    (tmp_path / "backup").mkdir()
    env = _env(connection.settings_dict["NAME"], tmp_path / "media", tmp_path / "private")
    made = _run("-m", "tools.backup", "backup", str(tmp_path / "backup"), env=env)
    assert made.returncode == 1
    assert "already exists" in made.stderr


def _pg() -> list[str]:
    s = connection.settings_dict
    return [
        "-h",
        s.get("HOST") or "127.0.0.1",
        "-p",
        str(s.get("PORT") or 5432),
        "-U",
        s.get("USER") or "postgres",
    ]
