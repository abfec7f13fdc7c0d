from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpRequest

from . import services
from .models import ContactRequest, Deflection, SearchLog, Synonym


class SynonymForm(ModelForm):
    class Meta:
        model = Synonym
        fields = ["terms"]

    def clean_terms(self) -> str:
        try:
            return services.clean_terms(self.cleaned_data["terms"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["terms"]) from None


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Staff's synonyms; saving goes through the service, which queues the push."""

    form = SynonymForm
    list_display = ("terms", "created_at")
    search_fields = ("terms",)

    def save_model(self, request: HttpRequest, obj: Synonym, form: Any, change: bool) -> None:
        previous = Synonym.objects.get(pk=obj.pk) if change else None
        services.synonym_save(actor=request.user, terms=obj.terms, synonym=previous)

    def delete_model(self, request: HttpRequest, obj: Synonym) -> None:
        services.synonym_delete(actor=request.user, synonym=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for synonym in queryset:
            services.synonym_delete(actor=request.user, synonym=synonym)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SearchLog)
class SearchLogAdmin(_ReadOnly):
    list_display = ("query", "source", "result_count", "is_engine", "clicked_document")
    list_filter = ("source", "is_engine")
    search_fields = ("query",)


@admin.register(Deflection)
class DeflectionAdmin(_ReadOnly):
    list_display = ("kind", "item_kind", "item_id", "author", "created_at")
    list_filter = ("kind", "item_kind")


@admin.register(ContactRequest)
class ContactRequestAdmin(_ReadOnly):
    list_display = ("subject", "email", "created_at", "delivered_at")
