from django.apps import AppConfig


class QaConfig(AppConfig):
    name = "qa"
    verbose_name = "Questions and answers"
    default_auto_field = "django.db.models.BigAutoField"
