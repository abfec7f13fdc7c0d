"""Operator views of moderation data. The log is read-only here as everywhere;
the rest changes through the site's services, which log what they do."""

from typing import Any

from django.contrib import admin

from .models import BlockedTerm, Flag, ModerationAction, ReviewTask, Suspension


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ModerationAction)
class ModerationActionAdmin(_ReadOnly):
    list_display = ("created_at", "actor", "action", "target_user", "target_post", "reason")
    list_filter = ("action",)
    search_fields = ("reason", "actor__username", "target_user__username")


@admin.register(Flag)
class FlagAdmin(_ReadOnly):
    list_display = ("created_at", "flagger", "reason", "post", "comment", "status")
    list_filter = ("status", "reason")


@admin.register(ReviewTask)
class ReviewTaskAdmin(_ReadOnly):
    list_display = ("created_at", "queue", "post", "status", "outcome", "claimed_by")
    list_filter = ("queue", "status")


@admin.register(Suspension)
class SuspensionAdmin(_ReadOnly):
    list_display = ("user", "starts_at", "ends_at", "reason", "created_by", "lifted_at")


@admin.register(BlockedTerm)
class BlockedTermAdmin(_ReadOnly):
    list_display = ("kind", "value", "created_by", "created_at")
