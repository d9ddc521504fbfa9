"""Move archived impact reports from public media (MEDIA_ROOT) to the private storage.

Reports archived before 0002 were written to the default storage, which a web server may publish
at /media/. Each file is copied under the same name to STORAGES["private"], then deleted from
the default storage. Running it again is harmless: a file already in the private storage is not
copied twice (its public copy, if still there, is deleted), and a file missing from both is
logged and left alone (the download view answers 404 for it).
"""

import logging
import os

from django.core.files.storage import storages
from django.db import migrations

from portal.storage import private_storage

logger = logging.getLogger("reporting.migrations")

REPORTS_FOLDER = "reports"


def move_report_files(*, report_model, source, destination) -> int:
    """Move every report file from `source` to `destination`; return how many were copied."""
    copied = 0
    reports = report_model.objects.exclude(pdf="")
    for report in reports.only("pk", "pdf").iterator():
        name = report.pdf.name
        if destination.exists(name):
            if source.exists(name):
                source.delete(name)
            continue
        if not source.exists(name):
            logger.warning("Impact report %s: file %s not found, not moved", report.pk, name)
            continue
        with source.open(name, "rb") as handle:
            saved = destination.save(name, handle)
        if saved != name:
            report_model.objects.filter(pk=report.pk).update(pdf=saved)
        source.delete(name)
        copied += 1
    _remove_empty_folders(source, REPORTS_FOLDER)
    return copied


def _remove_empty_folders(storage, folder: str) -> None:
    """Drop the emptied reports/<company>/<report>/ folders of a local storage."""
    try:
        root = storage.path(folder)
    except NotImplementedError:  # object storage has no folders to leave behind
        return
    if not os.path.isdir(root):
        return
    for current, _dirs, _files in os.walk(root, topdown=False):
        try:
            os.rmdir(current)  # only succeeds when empty
        except OSError:
            pass


def to_private(apps, schema_editor):
    move_report_files(
        report_model=apps.get_model("reporting", "ImpactReport"),
        source=storages["default"],
        destination=private_storage(),
    )


def to_public(apps, schema_editor):
    move_report_files(
        report_model=apps.get_model("reporting", "ImpactReport"),
        source=private_storage(),
        destination=storages["default"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_report_pdf_private_storage"),
    ]

    operations = [migrations.RunPython(to_private, to_public)]
