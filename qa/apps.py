from django.apps import AppConfig


class QaConfig(AppConfig):
    name = "qa"
    verbose_name = "Questions and answers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.cache import cache
        from django.db.models.signals import post_delete, post_save

        from .models import Category
        from .selectors import CATEGORY_TREE_CACHE_KEY

        # Framework wiring only: the cached category tree must not outlive a change.
        def forget_tree(**kwargs: object) -> None:
            cache.delete(CATEGORY_TREE_CACHE_KEY)

        post_save.connect(forget_tree, sender=Category, dispatch_uid="qa-category-tree-save")
        post_delete.connect(forget_tree, sender=Category, dispatch_uid="qa-category-tree-delete")
