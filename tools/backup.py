"""Backup and restore: the PostgreSQL database and the files, in one folder.

    python -m tools.backup backup DIR       # DIR must not exist yet
    python -m tools.backup restore DIR      # into the (empty) database of DATABASE_URL

A backup folder holds `database.dump` (pg_dump's custom format, without owners or grants),
`media.tar.gz` and `private.tar.gz` (MEDIA_ROOT and PRIVATE_MEDIA_ROOT on local disk) and
`manifest.json`: when, the row counts of the tables that carry money and people, and each file's
SHA-256. A restore refuses a database that already has tables and folders that already hold
files, restores in one transaction, and checks the row counts against the manifest. With object
storage, the buckets are copied by the storage's own tools (see docs/deploy.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

# The tables whose rows a restore must bring back exactly (money, people, engagement, reports).
COUNTED_TABLES = [
    "portal_company",
    "portal_employeeprofile",
    "auth_user",
    "missions_missionsession",
    "missions_enrolment",
    "donations_donation",
    "donations_match",
    "donations_pledge",
    "donations_payrollrun",
    "donations_payrollline",
    "donations_refund",
    "donations_auditentry",
    "reporting_impactreport",
]


class BackupError(Exception):
    pass


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def _pg_env_and_args() -> tuple[dict, list[str]]:
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        raise BackupError("backups are made of PostgreSQL databases (DATABASE_URL=postgres://…)")
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    args = ["-h", settings.get("HOST") or "127.0.0.1", "-p", str(settings.get("PORT") or 5432)]
    args += ["-U", settings.get("USER") or "postgres", "-d", settings["NAME"]]
    return env, args


def row_counts() -> dict[str, int]:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for table in COUNTED_TABLES:
            if table in existing:
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (fixed names)
                counts[table] = cursor.fetchone()[0]
    return counts


def _folders() -> dict[str, Path]:
    from django.conf import settings

    return {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_MEDIA_ROOT)}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(target: Path) -> dict:
    _setup()
    if target.exists():
        raise BackupError(f"{target} already exists: give a new folder")
    target.mkdir(parents=True)
    env, args = _pg_env_and_args()
    dump = target / "database.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", str(dump), *args],
        env=env,
        check=True,
    )
    files = {dump.name: _sha256(dump)}
    for name, folder in _folders().items():
        archive = target / f"{name}.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            if folder.exists():
                tar.add(folder, arcname=".")
        files[archive.name] = _sha256(archive)
    manifest = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "row_counts": row_counts(),
        "files": files,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def restore(source: Path) -> dict:
    _setup()
    from django.db import connection

    manifest = json.loads((source / "manifest.json").read_text())
    for name, expected in manifest["files"].items():
        if _sha256(source / name) != expected:
            raise BackupError(f"{source / name} does not match its checksum in the manifest")
    with connection.cursor() as cursor:
        if connection.introspection.table_names(cursor):
            raise BackupError(
                f"the database {connection.settings_dict['NAME']} already has tables: "
                "restore into a new, empty database"
            )
    folders = _folders()
    for folder in folders.values():
        if folder.exists() and any(folder.iterdir()):
            raise BackupError(f"{folder} already holds files: restore into empty folders")
    connection.close()
    env, args = _pg_env_and_args()
    subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            "--single-transaction",
            *args,
            str(source / "database.dump"),
        ],
        env=env,
        check=True,
    )
    for name, folder in folders.items():
        folder.mkdir(parents=True, exist_ok=True)
        with tarfile.open(source / f"{name}.tar.gz") as tar:
            tar.extractall(folder, filter="data")
    counts = row_counts()
    if counts != manifest["row_counts"]:
        raise BackupError(f"row counts differ after restore: {counts} != {manifest['row_counts']}")
    return counts


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("backup", "restore"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        result = backup(Path(argv[1])) if argv[0] == "backup" else restore(Path(argv[1]))
    except (BackupError, subprocess.CalledProcessError) as error:
        print(f"{argv[0]} failed: {error}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
