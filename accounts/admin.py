from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "display_name", "reputation", "is_staff")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Community", {"fields": ("display_name", "reputation", "preferred_language")}),
    )
    readonly_fields = ("reputation",)
