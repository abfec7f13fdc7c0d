"""Cursor (keyset) pagination over any ordering that ends in a unique column.

The cursor holds the sort values of the last row shown, so the next page is
read from the sort's index wherever it is (no OFFSET), and rows added while
a client pages never shift or repeat what it sees. A cursor that was not
produced here answers a 400 problem document.
"""

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from .problems import InvalidCursor

CURSOR_PARAM = "cursor"
SIZE_PARAM = "page_size"


def _encode(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, model: type[Model], fields: Sequence[str]) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidCursor() from None
    if not isinstance(values, list) or len(values) != len(fields):
        raise InvalidCursor()
    parsed = []
    for name, value in zip(fields, values, strict=True):
        field = model._meta.get_field(name.lstrip("-"))
        if value is None or isinstance(value, bool | dict | list):
            raise InvalidCursor()
        try:
            parsed.append(field.to_python(value))  # type: ignore[union-attr]
        except DjangoValidationError:
            raise InvalidCursor() from None
    return parsed


def _after(fields: Sequence[str], values: list[Any]) -> Q:
    """Rows strictly after ``values`` in the order ``fields``."""
    condition = Q(pk__in=[])
    for index, name in enumerate(fields):
        column = name.lstrip("-")
        step = Q(**{f"{column}__{'lt' if name.startswith('-') else 'gt'}": values[index]})
        for earlier, value in zip(fields[:index], values[:index], strict=False):
            step &= Q(**{earlier.lstrip("-"): value})
        condition |= step
    return condition


def page_size(request: Request) -> int:
    raw = request.query_params.get(SIZE_PARAM)
    maximum = int(settings.API["MAX_PAGE_SIZE"])
    if raw is None:
        return int(settings.API["PAGE_SIZE"])
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise ValidationError(
            {SIZE_PARAM: [_("A page holds 1 to %(max)d items.") % {"max": maximum}]}
        )
    return int(raw)


class KeysetPage:
    def __init__(self, rows: list[Any], next_url: str | None) -> None:
        self.rows = rows
        self.next_url = next_url


def paginate(request: Request, queryset: QuerySet[Any], ordering: Sequence[str]) -> KeysetPage:
    """One page of ``queryset`` in ``ordering`` (which must end in a unique field)."""
    size = page_size(request)
    cursor = request.query_params.get(CURSOR_PARAM)
    if cursor:
        queryset = queryset.filter(_after(ordering, _decode(cursor, queryset.model, ordering)))
    rows = list(queryset.order_by(*ordering)[: size + 1])
    next_url = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        values = [getattr(last, name.lstrip("-")) for name in ordering]
        next_url = replace_query_param(request.build_absolute_uri(), CURSOR_PARAM, _encode(values))
    return KeysetPage(rows, next_url)


def paginated_response(page: KeysetPage, results: Any) -> Response:
    headers = {"Link": f'<{page.next_url}>; rel="next"'} if page.next_url else {}
    return Response({"next": page.next_url, "results": results}, headers=headers)
