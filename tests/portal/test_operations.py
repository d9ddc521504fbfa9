"""Operations: health endpoints, Prometheus metrics, request ids in JSON logs, Sentry."""

from __future__ import annotations

import gzip
import http.server
import io
import json
import logging
import threading

import pytest
from django.test import override_settings
from django.urls import path
from pythonjsonlogger.json import JsonFormatter

from portal.operations import health
from portal.operations.request_id import HEADER, RequestIdFilter

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_dependencies(client):
    response = client.get("/health/live/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_readiness_checks_database_cache_and_both_storages(client):
    response = client.get("/health/?format=json")
    assert response.status_code == 200, response.content
    results = response.json()
    names = " ".join(results)
    assert "Database" in names and "Cache" in names
    assert names.count("Storage") == 2
    assert set(results.values()) == {"OK"}


def test_readiness_fails_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/health/?format=json")
    assert response.status_code == 500
    failing = [name for name, value in response.json().items() if "OK" not in str(value)]
    assert any("Redis" in name for name in failing)
    # No connection detail leaks to the caller beyond the check that failed.
    assert "127.0.0.1:1" not in response.content.decode()


@pytest.mark.redis
def test_readiness_checks_redis_when_configured(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/13"
    response = client.get("/health/?format=json")
    assert response.status_code == 200, response.content
    assert any("Redis" in name for name in response.json())


def test_readiness_pings_celery_only_with_a_broker(settings):
    settings.CELERY_BROKER_URL = ""
    assert not [c for c in health.readiness_checks() if "celery" in str(c)]
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/13"
    assert [c for c in health.readiness_checks() if "celery" in str(c)]


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^health/"])
def test_health_is_exempt_from_the_https_redirect(client):
    assert client.get("/health/live/").status_code == 200
    assert client.get("/").status_code == 301


def test_metrics_are_hidden_without_the_token(client, settings):
    settings.CORDEE_METRICS_TOKEN = ""
    assert client.get("/metrics/").status_code == 404
    settings.CORDEE_METRICS_TOKEN = "s3cret-scraper-token"
    assert client.get("/metrics/").status_code == 404
    assert client.get("/metrics/", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404


def test_metrics_count_requests_by_view_name_not_path(client, settings):
    settings.CORDEE_METRICS_TOKEN = "s3cret-scraper-token"
    client.get("/health/live/")
    client.get("/engagement/enrolments/424242/")  # an id in the path: not a label
    response = client.get("/metrics/", HTTP_AUTHORIZATION="Bearer s3cret-scraper-token")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'cordee_http_requests_total{method="GET",status="200",view="health_live"}' in text
    assert "cordee_http_request_duration_seconds_bucket" in text
    # Not in any label (a sample's value may hold those digits by chance: 0.0542424…).
    labels = [line.split("}", 1)[0] for line in text.splitlines() if "{" in line]
    assert labels and not any("424242" in label for label in labels)


def test_request_id_is_kept_when_sane_and_replaced_otherwise(client):
    given = client.get("/health/live/", HTTP_X_REQUEST_ID="lb-1234abcd")
    assert given[HEADER] == "lb-1234abcd"
    odd = client.get("/health/live/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert odd[HEADER] != "bad id\nwith newline" and len(odd[HEADER]) == 32
    assert client.get("/health/live/")[HEADER] != client.get("/health/live/")[HEADER]


def test_log_records_of_a_request_carry_its_id_as_json(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"levelname": "level", "name": "logger"},
        )
    )
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/no-such-page-here/", HTTP_X_REQUEST_ID="trace-0000abcd")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert records, "Django logs a 404 as a warning"
    assert records[-1]["request_id"] == "trace-0000abcd"
    assert records[-1]["level"] == "WARNING"


def test_the_production_log_format_is_json():
    from django.conf import settings as django_settings

    assert django_settings.LOGGING["formatters"]["json"]["()"].endswith("JsonFormatter")
    assert "request_id" in django_settings.LOGGING["handlers"]["console"]["filters"]


# --- Sentry: a real HTTP endpoint on 127.0.0.1 receives the envelope ---


class _Envelopes(http.server.BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        _Envelopes.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def _boom(request):
    raise RuntimeError("sentry smoke: something broke")


urlpatterns = [path("boom/", _boom)]


@override_settings(ROOT_URLCONF=__name__, DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_sentry_receives_errors_without_personal_data(client, django_user_model):
    import sentry_sdk

    from portal.operations.sentry import init_sentry

    server = http.server.HTTPServer(("127.0.0.1", 0), _Envelopes)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Envelopes.received.clear()
    user = django_user_model.objects.create_user("pii", email="pii.person@example.org")
    client.force_login(user)
    try:
        init_sentry(
            dsn=f"http://publickey@127.0.0.1:{server.server_port}/1",
            environment="test",
            traces_sample_rate=0.0,
        )
        client.raise_request_exception = False
        response = client.get("/boom/", HTTP_X_REQUEST_ID="sentry-req-0001")
        assert response.status_code == 500
        sentry_sdk.flush(timeout=5)
    finally:
        sentry_sdk.get_client().close(timeout=2)
        sentry_sdk.init(dsn=None)
        server.shutdown()
    payload = b"\n".join(_Envelopes.received).decode()
    assert "sentry smoke: something broke" in payload
    assert "sentry-req-0001" in payload
    assert "pii.person@example.org" not in payload
    assert "sessionid" not in payload
