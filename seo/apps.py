from django.apps import AppConfig


class SeoConfig(AppConfig):
    name = "seo"
    verbose_name = "Search engines"
    default_auto_field = "django.db.models.BigAutoField"
