from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .models import ApiKey, PersonalAccessToken


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Read and revoke; keys are created on /staff/api-keys/, which shows the secret once."""

    list_display = (
        *("name", "prefix", "scopes", "allowed_origins", "requests_per_minute"),
        *("request_count", "refused_count", "last_used_at", "revoked_at"),
    )
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Changes go through the services, which check origins and scopes.
        return [field.name for field in ApiKey._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            services.api_key_revoke(staff=request.user, key=key)


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "can_write", "last_used_at", "revoked_at")
    readonly_fields = ("user", "prefix", "secret_hash", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
