"""Background work of reporting: building an impact report (a thin wrapper of the service)."""

from celery import shared_task


@shared_task(name="reporting.build_impact_report", acks_late=True)
def build_impact_report(report_id: int) -> int:
    from reporting.services import build_report

    return build_report(report_id=report_id).pk
