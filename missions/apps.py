from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = _("Missions")

    def ready(self) -> None:
        # The mission editor's form is attached here rather than imported by the model: a model
        # never imports an admin form, and the form reads the models (Wagtail builds the edit
        # handler on the first admin request, after every app is ready).
        from missions import receivers  # noqa: F401 - listens to the people directory
        from missions.admin_forms import MissionPageForm
        from missions.models import MissionPage

        MissionPage.base_form_class = MissionPageForm
