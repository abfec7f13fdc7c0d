"""Account actions: profile, avatar, language, login history."""

import io
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from entraide.rendering import render_markdown
from qa.personal_data import contributions_reindex

from .models import Language, LoginRecord, User

AVATAR_SIZE = 256
AVATAR_MAX_BYTES = 5 * 1024 * 1024
# A 10,000 x 10,000 picture is already absurd for an avatar; refusing larger
# ones keeps a "decompression bomb" from eating the server's memory.
AVATAR_MAX_PIXELS = 100_000_000
AVATAR_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
ABOUT_MAX = 3000


@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str,
    about: str,
    website: str,
    location: str,
    preferred_language: str,
) -> User:
    """Save the public profile; the about text is rendered and sanitised once, here."""
    if len(about) > ABOUT_MAX:
        message = _("Keep it to %(max)d characters (it has %(n)d).") % {
            "max": ABOUT_MAX,
            "n": len(about),
        }
        raise ValidationError({"about": message})
    if preferred_language not in Language.values:
        raise ValidationError({"preferred_language": _("Choose English or French.")})
    renamed = user.public_name
    user.display_name = display_name.strip()
    if user.public_name != renamed:
        # Their posts show the name: in search results and on the cached pages.
        contributions_reindex(user)
    user.about_source = about
    user.about_html = render_markdown(about) if about.strip() else ""
    user.website_url = website.strip()
    user.location = location.strip()
    user.preferred_language = preferred_language
    user.save(
        update_fields=[
            "display_name",
            "about_source",
            "about_html",
            "website_url",
            "location",
            "preferred_language",
        ]
    )
    return user


def language_set(*, user: User, language: str) -> None:
    """Remember the interface language the member chose with the switcher."""
    if language in Language.values and user.preferred_language != language:
        User.objects.filter(pk=user.pk).update(preferred_language=language)
        user.preferred_language = language


def _avatar_png(upload: Any) -> bytes:
    """Square-crop, resize and re-encode an upload; the new file carries no metadata."""
    if upload.size > AVATAR_MAX_BYTES:
        raise ValidationError(
            {"avatar": _("The picture is too large (at most 5 MB).")}, code="too_large"
        )
    try:
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
        if image_format not in AVATAR_FORMATS:
            raise UnidentifiedImageError(image_format)
        if width * height > AVATAR_MAX_PIXELS:
            raise ValidationError({"avatar": _("The picture has too many pixels.")})
        upload.seek(0)
        with Image.open(upload) as original:
            # Turn the picture the way the camera meant before EXIF is dropped.
            image = ImageOps.exif_transpose(original)
            image = ImageOps.fit(image.convert("RGBA"), (AVATAR_SIZE, AVATAR_SIZE))
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            {"avatar": _("Upload a JPEG, PNG, GIF or WebP picture.")}, code="invalid"
        ) from None
    # A fresh image object has no EXIF, GPS, ICC or text chunks to carry over.
    clean = Image.new("RGBA", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def avatar_set(*, user: User, upload: Any) -> User:
    """Replace the member's avatar by a cleaned copy of ``upload``."""
    data = _avatar_png(upload)
    old = user.avatar.name if user.avatar else ""
    with transaction.atomic():
        user.avatar.save("avatar.png", ContentFile(data), save=False)
        User.objects.filter(pk=user.pk).update(avatar=user.avatar.name)
    if old:
        user.avatar.storage.delete(old)
    return user


def avatar_remove(*, user: User) -> User:
    """Go back to the generated identicon."""
    if user.avatar:
        name, storage = user.avatar.name, user.avatar.storage
        User.objects.filter(pk=user.pk).update(avatar="")
        user.avatar = ""
        storage.delete(name)
    return user


def email_mark_verified(*, user: User) -> None:
    """Record the member's address as verified (imports, demo data, tests)."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def session_pseudonym(session_key: str) -> str:
    """A stable name for a session that cannot be turned back into its key."""
    return salted_hmac("entraide.session-pseudonym", session_key or "").hexdigest()[:16]


def _browser_family(user_agent: str) -> str:
    for needle, name in (
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ):
        if needle in user_agent:
            return name
    return "Other" if user_agent else ""


def login_record(*, user: User, session_key: str, user_agent: str, method: str) -> LoginRecord:
    """Note a successful log-in without any IP address or full user agent."""
    return LoginRecord.objects.create(
        user=user,
        session=session_pseudonym(session_key),
        method=method[:32],
        browser=_browser_family(user_agent),
    )


def identicon_svg(seed: int) -> str:
    """A 5x5 mirrored pattern in one colour, from the member's id (nothing personal)."""
    digest = salted_hmac("entraide.identicon", str(seed), secret=settings.SECRET_KEY).digest()
    hue = digest[0] * 360 // 256
    cells = []
    for row in range(5):
        for column in range(3):
            if digest[1 + row * 3 + column] % 2:
                for x in {column, 4 - column}:
                    cells.append(f'<rect x="{x + 1}" y="{row + 1}" width="1" height="1"/>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 7 7" shape-rendering="crispEdges">'
        '<rect width="7" height="7" fill="#f0f0f0"/>'
        f'<g fill="hsl({hue}, 55%, 50%)">{"".join(cells)}</g></svg>'
    )
