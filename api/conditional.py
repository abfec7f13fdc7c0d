"""Conditional GET and caching headers for every API read.

The ETag is a hash of the representation itself, so it changes whenever
anything shown changes (a score, a new comment) with no bookkeeping; a view
that knows when its resource last changed (an append-only ledger, a revision
list) also sends ``Last-Modified``. Anonymous reads may be cached by shared
caches for a minute; a member's are private and revalidated each time.
"""

import hashlib
from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.http import Http404
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import ApiKey

VARY = ["Accept", "Accept-Language", "Authorization", "Cookie", "Origin"]


NUL = "\x00"


class ApiView(APIView):
    """Every API v1 view. Set ``self.last_modified`` in a handler to send it."""

    last_modified: datetime | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # PostgreSQL refuses NUL in text: a NUL in any query parameter is a
        # field error here, before any view can pass it to a query (SQLite
        # would take it and find nothing, so the two would disagree).
        bad = sorted(
            {
                name
                for name, values in request.query_params.lists()
                if NUL in name or any(NUL in value for value in values)
            }
        )
        if bad:
            message = ErrorDetail(_("Null characters are not allowed."), "null_characters")
            raise ValidationError({name.replace(NUL, ""): [message] for name in bad})
        # A path segment holding one names nothing that can exist.
        if any(NUL in str(value) for value in kwargs.values()):
            raise Http404("Nothing exists at this URL.")
        super().initial(request, *args, **kwargs)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, VARY)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        last_modified = self.last_modified
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        max_age = settings.API["ANON_MAX_AGE"]
        if isinstance(request.auth, ApiKey):
            response["Cache-Control"] = f"private, max-age={max_age}"
        elif request.user.is_authenticated:
            response["Cache-Control"] = "private, no-cache"
        else:
            response["Cache-Control"] = f"public, max-age={max_age}"
        conditional = get_conditional_response(
            request._request,
            etag=response["ETag"],
            last_modified=int(last_modified.timestamp()) if last_modified else None,
            response=response,
        )
        # A 304 is a plain HttpResponse; DRF only needs an HttpResponseBase back.
        return cast(Response, conditional)
