"""Health endpoints for a load balancer (django-health-check).

- /health/live/: the process answers (no dependency checked): for a liveness probe.
- /health/: the database, the cache (Redis when configured), Redis itself, the Celery workers
  (when a broker is configured) and both file storages (public media and private files): 200
  when all pass, 500 otherwise. `?format=json` gives each check's result. No detail of the
  errors is shown, only which check failed.
Both are exempt from the HTTPS redirect (a load balancer probes over plain HTTP).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from health_check.views import HealthCheckView


def readiness_checks() -> list:
    checks: list = [
        "health_check.checks.Database",
        "health_check.checks.Cache",
        ("health_check.checks.Storage", {"alias": "default"}),
        ("health_check.checks.Storage", {"alias": "private"}),
    ]
    if settings.REDIS_URL:
        checks.append(("health_check.contrib.redis.Redis", {"client_factory": _redis_client}))
    if settings.CELERY_BROKER_URL:
        checks.append(
            ("health_check.contrib.celery.Ping", {"timeout": datetime.timedelta(seconds=3)})
        )
    return checks


def _redis_client():
    from redis.asyncio import Redis

    return Redis.from_url(settings.REDIS_URL, socket_timeout=3, socket_connect_timeout=3)


class CordeeHealthCheckView(HealthCheckView):
    def get_checks(self):
        self.checks = readiness_checks()
        return super().get_checks()


readiness = CordeeHealthCheckView.as_view()


@never_cache
def liveness(request):
    return HttpResponse("ok", content_type="text/plain")
