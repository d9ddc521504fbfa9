from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.urls import register_converter

        from portal import checks, page_cache, signals  # noqa: F401 - registers the checks, connects the receivers
        from portal.converters import IdConverter, YearConverter
        from portal.people import departures  # noqa: F401 - connects the re-hire receiver

        page_cache._connect()

        register_converter(IdConverter, "id")
        register_converter(YearConverter, "year")

        from django.core.signals import request_finished

        from portal.operations.request_id import clear_request_id

        request_finished.connect(clear_request_id, dispatch_uid="portal.clear_request_id")
