from django.apps import AppConfig


class WikiConfig(AppConfig):
    name = "wiki"
    verbose_name = "Wiki and FAQ"
    default_auto_field = "django.db.models.BigAutoField"
