from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Member recognition"
    default_auto_field = "django.db.models.BigAutoField"
