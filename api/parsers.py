"""JSON bodies, limited in size.

DRF reads the request stream itself, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE
check, so the limit is enforced here: by the declared length first, then by
what is actually read (a chunked body declares none).
"""

import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from .problems import PayloadTooLarge


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class LimitedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        limit = int(settings.API["MAX_BODY_BYTES"])
        too_large = PayloadTooLarge(
            _("The request body is larger than %(limit)s bytes.") % {"limit": f"{limit:,}"}
        )
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise too_large
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise too_large
        try:
            return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
        except (ValueError, UnicodeDecodeError) as error:
            raise ParseError(
                _("The body is not valid JSON: %(error)s") % {"error": error}
            ) from None
