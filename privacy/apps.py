from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    name = "privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every app declares the personal data it holds in its own
        # ``personal_data.py`` (see privacy.registry), like admin.py for the admin.
        autodiscover_modules("personal_data")
