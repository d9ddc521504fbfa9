"""Running Cordée in production: health checks, Prometheus metrics, request ids in logs, Sentry."""
