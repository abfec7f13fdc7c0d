"""The OpenAPI schema: problem documents on every operation, the credentials."""

from functools import cache
from typing import Any

from django import forms
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

PROBLEM_MEDIA_TYPE = "application/problem+json"


@cache
def page_of(child: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The shape of a cursor page of ``child`` items."""
    name = child.__name__.removesuffix("Serializer")
    return type(
        f"{name}PageSerializer",
        (serializers.Serializer,),
        {
            "next": serializers.URLField(allow_null=True, help_text="The next page, or null."),
            "results": child(many=True),
            "__doc__": f"A page of {name} items.",
        },
    )


class ProblemAutoSchema(AutoSchema):
    """Adds each error an operation can answer, as a problem document."""

    def _error_codes(self) -> list[int]:
        codes = [400, 401, 403, 406, 429, 500]
        if "{" in self.path:
            codes.append(404)
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.append(409)
        if self.method in ("POST", "PUT", "PATCH"):
            codes += [413, 415]
        # Errors particular to a view (oEmbed's 501 for a format it lacks).
        codes += getattr(self.view, "problem_codes", [])
        return sorted(codes)

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        from .serializers import ProblemSerializer

        responses = super()._get_response_bodies(direction)
        if self.method == "GET":
            responses["304"] = {"description": "Not modified (the ETag or date still match)."}
        for code in self._error_codes():
            responses.setdefault(
                str(code),
                self._get_response_for_code(
                    ProblemSerializer, str(code), media_types=[PROBLEM_MEDIA_TYPE]
                ),
            )
        return responses


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerAuthentication"
    name = "bearer"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal access token (ept_…, made on your profile page) or an API key "
                "(eak_…, given by staff). Never in the URL."
            ),
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.CsrfSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


def filter_parameters(filterset: Any) -> list[OpenApiParameter]:
    """Query parameters of a django-filter FilterSet, choices as enums.

    drf-spectacular reads filters only on list views of model serializers;
    our lists are cursor pages shaped by hand.
    """
    parameters = []
    for name, field in filterset.base_filters.items():
        choices = getattr(field, "extra", {}).get("choices")
        kind = int if field.field_class is forms.IntegerField else str
        parameters.append(
            OpenApiParameter(
                name,
                kind,
                description=str(field.extra.get("help_text", "")),
                enum=[value for value, _label in choices] if choices else None,
            )
        )
    return parameters
