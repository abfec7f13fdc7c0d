from django.contrib import admin
from mptt.admin import DraggableMPTTAdmin

from .models import Category, Post, Tag


@admin.register(Category)
class CategoryAdmin(DraggableMPTTAdmin):
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "usage_count")
    search_fields = ("name",)
    readonly_fields = ("usage_count",)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Read-only: posts change through the site's services, which keep counters right."""

    list_display = ("__str__", "post_type", "author", "score", "created_at", "deleted_at")
    list_filter = ("post_type",)
    search_fields = ("title",)
    raw_id_fields = ("author", "parent", "accepted_answer", "last_editor", "deleted_by")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
