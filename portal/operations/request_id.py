"""A request id on every request: from the load balancer's X-Request-ID when it is sane, else new.

It is sent back in the response's X-Request-ID header and added to every log record written while
the request runs (`RequestIdFilter`), so a line of the access log, of the application's JSON log
and a Sentry event can be tied together.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

HEADER = "X-Request-ID"
SANE = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def request_id_from(given: str | None) -> str:
    """The caller's id when it looks like one (it ends up in logs), else a fresh one."""
    if given and SANE.match(given):
        return given
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(HEADER))
        request.request_id = request_id
        # Cleared when the response is finished (request_finished), not here: Django logs a
        # 4xx/5xx answer after the middleware chain returns, and that line needs the id too.
        current_request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def clear_request_id(**kwargs) -> None:
    current_request_id.set("")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True
