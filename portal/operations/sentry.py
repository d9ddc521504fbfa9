"""Sentry, when SENTRY_DSN is set: errors of the web processes and Celery tasks, without PII.

The SDK's default sends no personal data (no cookies, user ids or e-mails, request bodies):
nothing here turns it on, and a test checks that an error's event carries none.
"""

from __future__ import annotations

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from portal.operations.request_id import current_request_id


def _tag_request_id(event, hint):
    request_id = current_request_id.get()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        before_send=_tag_request_id,
    )
