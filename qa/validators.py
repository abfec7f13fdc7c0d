"""Field rules for posts and comments, shared by forms, services and the API.

Each function returns the cleaned value or raises ``ValidationError`` with a
message a person can act on (what is wrong, and the limit).
"""

import re
import unicodedata
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TAG_PATTERN = re.compile(r"^[a-z0-9+#.][a-z0-9+#.-]*$")
TAG_SEPARATORS = re.compile(r"[\s,;]+")


def _limits(name: str) -> int:
    return int(settings.QA[name])


def _check_length(
    value: str, *, what: str, minimum: int, maximum: int, visible_length: int | None = None
) -> None:
    length = len(value)
    shown = length if visible_length is None else visible_length
    if shown < minimum:
        raise ValidationError(
            _("%(what)s must be at least %(min)d characters (you wrote %(len)d).")
            % {"what": what, "min": minimum, "len": shown},
            code="too_short",
        )
    if length > maximum:
        raise ValidationError(
            _("%(what)s must be at most %(max)s characters (you wrote %(len)s).")
            % {"what": what, "max": f"{maximum:,}", "len": f"{length:,}"},
            code="too_long",
        )


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    _check_length(
        title, what=_("The title"), minimum=_limits("TITLE_MIN"), maximum=_limits("TITLE_MAX")
    )
    return title


def clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    _check_length(
        body,
        what=_("The body"),
        minimum=_limits("BODY_MIN"),
        maximum=_limits("BODY_MAX"),
        # Count what a reader sees, so padding with spaces does not pass.
        visible_length=len(" ".join(body.split())),
    )
    return body


def clean_comment(body: str) -> str:
    body = " ".join((body or "").split())
    _check_length(
        body, what=_("A comment"), minimum=_limits("COMMENT_MIN"), maximum=_limits("COMMENT_MAX")
    )
    return body


def normalise_tag(raw: str) -> str:
    """Lower-case and strip accents: ``Sécurité`` becomes ``securite``."""
    decomposed = unicodedata.normalize("NFKD", raw.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def clean_tags(raw: str | Iterable[str]) -> list[str]:
    """Parse tags given as one string (space or comma separated) or a list."""
    items = TAG_SEPARATORS.split(raw) if isinstance(raw, str) else list(raw)
    names: list[str] = []
    for item in items:
        name = normalise_tag(str(item))
        if not name:
            continue
        if len(name) > _limits("TAG_MAX_LENGTH"):
            raise ValidationError(
                _("The tag “%(tag)s” is longer than %(max)d characters.")
                % {"tag": name[:40], "max": _limits("TAG_MAX_LENGTH")},
                code="tag_too_long",
            )
        if not TAG_PATTERN.match(name):
            raise ValidationError(
                _(
                    "The tag “%(tag)s” may only use letters, digits and + # . - "
                    "(and may not start with -)."
                )
                % {"tag": name[:40]},
                code="tag_invalid",
            )
        if name not in names:
            names.append(name)
    if len(names) < _limits("TAGS_MIN"):
        raise ValidationError(
            _("Add at least %(min)d tag.") % {"min": _limits("TAGS_MIN")}, code="tags_missing"
        )
    if len(names) > _limits("TAGS_MAX"):
        raise ValidationError(
            _("Use at most %(max)d tags (you gave %(n)d).")
            % {"max": _limits("TAGS_MAX"), "n": len(names)},
            code="too_many_tags",
        )
    return names
