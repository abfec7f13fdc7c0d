from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "title", "created_at", "read_at", "mail_state")
    list_filter = ("kind", "mail_state")
    raw_id_fields = ("recipient", "actor")
    search_fields = ("recipient__username", "title")
