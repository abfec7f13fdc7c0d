from django.apps import AppConfig


class VersioningConfig(AppConfig):
    name = "versioning"
    verbose_name = "Revisions"
    default_auto_field = "django.db.models.BigAutoField"
