"""Celery tasks of giving: thin wrappers taking ids and calling services (idempotent)."""

from celery import shared_task


@shared_task(acks_late=True)
def compute_payroll_run_task(run_id: int) -> int:
    from donations.services.payroll import compute_payroll_run

    return compute_payroll_run(run_id=run_id).pk
