"""Prometheus metrics of the web process, served at /metrics/ to a scraper holding the token.

django-prometheus (2.5, its latest release) requires Django < 6.1, so the metrics are built on
prometheus_client, the library it wraps: requests by view name, method and status, and their
duration. The view label is the URL pattern's name, never the path, so ids in URLs cannot blow up
the number of series. With several gunicorn workers, PROMETHEUS_MULTIPROC_DIR (set by
`make serve`) makes every worker's figures add up in one scrape.
"""

from __future__ import annotations

import hmac
import os
import time

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client import REGISTRY as DEFAULT_REGISTRY

REQUESTS = Counter(
    "cordee_http_requests_total",
    "HTTP requests answered, by view, method and status.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "cordee_http_request_duration_seconds",
    "Time to answer an HTTP request, by view and method.",
    ["view", "method"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def view_label(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unresolved>"
    return match.view_name or "<unnamed>"


class MetricsMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        view = view_label(request)
        method = request.method if request.method in KNOWN_METHODS else "other"
        REQUESTS.labels(view, method, str(response.status_code)).inc()
        LATENCY.labels(view, method).observe(time.perf_counter() - started)
        return response


KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return DEFAULT_REGISTRY


@never_cache
def metrics_view(request):
    """The metrics for a scraper with `Authorization: Bearer <CORDEE_METRICS_TOKEN>`; else 404."""
    expected = settings.CORDEE_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if not expected or not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
