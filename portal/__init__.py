"""Cordée's Django project and what every app shares (tenancy, roles, accounts, home)."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
