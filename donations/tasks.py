"""Celery tasks of giving: thin wrappers taking ids and calling services (idempotent)."""

from celery import shared_task


@shared_task(acks_late=True)
def compute_payroll_run_task(run_id: int) -> int:
    from donations.services.payroll import compute_payroll_run

    return compute_payroll_run(run_id=run_id).pk


@shared_task(acks_late=True)
def import_net_pay_task(
    run_id: int,
    filename: str,
    excluded_lines: list[int],
    column_choices: dict[str, str],
    *,
    actor_id: int | None = None,
) -> int:
    """A large net-pay file, read out of the request (the page follows the run's progress)."""
    from django.contrib.auth import get_user_model

    from donations.services.payroll import import_pending_file

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    run = import_pending_file(
        run_id=run_id,
        filename=filename,
        excluded_lines=excluded_lines,
        column_choices=column_choices,
        actor=actor,
    )
    return run.pk


@shared_task(name="donations.send_giving_email")
def send_giving_email(*, kind: str, object_id: int, amount_cents: int | None = None) -> int:
    from donations.services import notifications

    return notifications.send(kind=kind, object_id=object_id, amount_cents=amount_cents)


@shared_task(name="donations.send_payroll_run_emails")
def send_payroll_run_emails(*, run_id: int) -> int:
    """One task per confirmed run: it reads the run in chunks and sends every employee's note."""
    from donations.services import notifications

    return notifications.send_payroll_run(run_id=run_id)


@shared_task(name="donations.value_skills_sponsorship")
def value_skills_sponsorship() -> int:
    """Daily: every company's attended skills-sponsorship hours of the last 13 months as gifts.

    Idempotent (a gift whose hours and pay did not change is left as it is); the window covers
    the previous fiscal year until its accounts close, and attendance corrected late.
    """
    import datetime as dt

    from django.utils import timezone

    from donations.services.skills_gifts import sync_skills_sponsorship_gifts
    from portal.models import Company

    since = timezone.now() - dt.timedelta(days=400)
    changed = 0
    for company in Company.objects.order_by("pk"):
        result = sync_skills_sponsorship_gifts(company=company, start=since)
        changed += result.recorded + result.revalued + result.cancelled
    return changed


@shared_task(name="donations.send_campaign_launch_emails")
def send_campaign_launch_emails(*, campaign_id: int) -> int:
    """One task per launched campaign: every employee with campaign news on hears of it once."""
    from donations.services import notifications

    return notifications.send_campaign_launch(campaign_id=campaign_id)


@shared_task(name="donations.close_due_votes")
def close_due_votes() -> int:
    from donations.services import votes

    return votes.close_due_votes()


@shared_task(name="donations.compute_volunteer_grants")
def compute_volunteer_grants() -> int:
    from donations.services import grants

    return grants.compute_all_grants()
