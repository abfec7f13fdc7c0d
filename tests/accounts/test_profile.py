"""Profile: display name, about (Markdown, sanitised), website, location,
language, and the avatar (identicon by default, uploads cleaned)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE = {
    "display_name": "Camille D.",
    "about": "I fix **lamps**.<script>alert(1)</script>",
    "website": "https://camille.example.org",
    "location": "Lyon",
    "preferred_language": "fr",
}


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    return tmp_path / "media"


def test_profile_saves_and_shows_sanitised_markdown(client) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.post("/accounts/profile/", PROFILE)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Camille D." and user.location == "Lyon"
    assert user.preferred_language == "fr"
    assert "<strong>lamps</strong>" in user.about_html and "<script" not in user.about_html
    page = client.get(user.get_absolute_url()).content.decode()
    assert "<strong>lamps</strong>" in page and "Lyon" in page
    assert 'href="https://camille.example.org"' in page and 'rel="nofollow ugc noopener"' in page


def test_profile_bad_input_is_a_400_next_to_the_field(client) -> None:
    client.force_login(UserFactory())
    response = client.post(
        "/accounts/profile/", PROFILE | {"website": "not a url at all", "about": "x" * 3001}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "website" in errors and "about" in errors


def test_profile_page_needs_a_member(client) -> None:
    response = client.get("/accounts/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_default_avatar_is_a_local_identicon(client) -> None:
    user = UserFactory()
    response = client.get(user.avatar_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content
    other = client.get(UserFactory().avatar_url)
    assert other.content != response.content  # one pattern per member


def _photo_with_exif(size: tuple[int, int] = (800, 600)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x9003] = "2026:01:01 10:00:00"  # DateTimeOriginal
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_uploaded_avatar_is_square_resized_and_stripped_of_metadata(client, media) -> None:
    raw = _photo_with_exif()
    assert b"SecretCam" in raw
    user = UserFactory()
    client.force_login(user)
    upload = SimpleUploadedFile("me.jpg", raw, content_type="image/jpeg")
    response = client.post("/accounts/profile/picture/", {"avatar": upload})
    assert response.status_code == 302
    user.refresh_from_db()
    served = client.get(user.avatar_url)
    assert served["Content-Type"] == "image/png"
    data = b"".join(served.streaming_content)
    assert b"SecretCam" not in data and b"2026:01:01" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (256, 256)
        assert not image.getexif() and "exif" not in image.info

    # Back to the identicon: the file is gone.
    path = media / user.avatar.name
    assert path.exists()
    client.post("/accounts/profile/picture/", {"remove": "1"})
    user.refresh_from_db()
    assert not user.avatar and not path.exists()


def test_a_file_that_is_not_a_picture_is_refused_with_a_message(client, media) -> None:
    client.force_login(UserFactory())
    upload = SimpleUploadedFile("me.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = client.post("/accounts/profile/picture/", {"avatar": upload})
    assert response.status_code == 400
    assert "JPEG, PNG, GIF or WebP" in str(response.context["avatar_form"].errors["avatar"])


def test_the_language_switcher_sets_the_members_setting(client) -> None:
    user = UserFactory(preferred_language="en")
    client.force_login(user)
    response = client.post("/accounts/language/", {"language": "fr", "next": "/questions/"})
    assert response.status_code == 302 and response["Location"] == "/questions/"
    assert User.objects.get(pk=user.pk).preferred_language == "fr"
