from django.apps import AppConfig


class DemoIdPConfig(AppConfig):
    name = "portal.demo_idp"
    label = "demo_idp"
    verbose_name = "Demo identity provider"

    def ready(self):
        # The demo provider's clients and tokens need no Django admin pages (they would be
        # platform-wide pages about a demo-only provider).
        from django.contrib import admin
        from oauth2_provider import models

        for model in (
            models.get_application_model(),
            models.get_access_token_model(),
            models.get_refresh_token_model(),
            models.get_id_token_model(),
            models.get_grant_model(),
        ):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
