"""Celery tasks of portal: thin, idempotent wrappers that take ids and call a service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="portal.apply_departures")
def apply_departures() -> dict:
    """Daily: announce leave dates that have passed, close accounts after the grace period."""
    from portal.people.departures import apply_departures as apply

    counts = apply()
    return {"departed": counts.departed, "deactivated": counts.deactivated}


@shared_task(name="portal.build_personal_data_export")
def build_personal_data_export(*, export_id: int) -> str:
    from portal.privacy import services

    export = services.build_export(export_id=export_id)
    return export.status if export else "missing"


@shared_task(name="portal.purge_expired_leavers")
def purge_expired_leavers() -> dict:
    """Daily: erase leavers past the retention period and drop expired data exports."""
    from portal.privacy import services

    result = services.purge_expired_leavers()
    expired = services.delete_expired_exports()
    return {"erased": len(result.erased), "refused": len(result.refused), "exports": expired}


@shared_task(name="portal.apply_people_import")
def apply_people_import(*, import_id: int) -> str:
    """Apply an HR file the officer confirmed (portal.people.imports.request_confirmation)."""
    from portal.people import imports

    row = imports.apply_requested(import_id=import_id)
    return row.status if row else "missing"
