"""The pages where members make tokens and staff make API keys."""

import pytest

from api.credentials import digest
from api.models import ApiKey, PersonalAccessToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_member_creates_a_token_sees_it_once_and_revokes_it(client):
    member = UserFactory()
    client.force_login(member)
    assert "API tokens" in client.get(member.get_absolute_url()).content.decode()
    response = client.post("/settings/tokens/", {"name": "backup script"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = PersonalAccessToken.objects.get(user=member)
    secret = response.context["created"].secret
    assert secret in response.content.decode()
    assert token.secret_hash == digest(secret) and not token.can_write
    # Shown once: the list never shows it again.
    assert secret not in client.get("/settings/tokens/").content.decode()
    client.post(f"/settings/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.is_revoked


def test_a_token_needs_a_name(client):
    client.force_login(UserFactory())
    response = client.post("/settings/tokens/", {"name": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_members_cannot_revoke_anothers_token(client):
    owner = UserFactory()
    client.force_login(owner)
    client.post("/settings/tokens/", {"name": "mine"})
    token = PersonalAccessToken.objects.get(user=owner)
    client.force_login(UserFactory())
    assert client.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert not token.is_revoked


def test_staff_create_a_key_with_origins_and_revoke_it(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    response = client.post(
        "/staff/api-keys/",
        {
            "name": "Lumio help centre",
            "allowed_origins": "https://help.lumio.example\nhttps://app.lumio.example",
            "feedback": "on",
            "requests_per_minute": "300",
        },
    )
    assert response.status_code == 200
    key = ApiKey.objects.get()
    assert key.allowed_origins == ["https://app.lumio.example", "https://help.lumio.example"]
    assert key.scopes == ["feedback", "read"]
    secret = response.context["created"].secret
    assert f'data-key="{secret}"' in response.content.decode()
    client.post(f"/staff/api-keys/{key.pk}/revoke/")
    key.refresh_from_db()
    assert key.is_revoked


def test_a_bad_origin_is_shown_next_to_the_field(client):
    client.force_login(UserFactory(is_staff=True))
    response = client.post(
        "/staff/api-keys/",
        {"name": "x", "allowed_origins": "help.example.com/path", "requests_per_minute": "10"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["allowed_origins"]
    assert not ApiKey.objects.exists()


def test_members_cannot_see_the_keys_page(client):
    client.force_login(UserFactory())
    assert client.get("/staff/api-keys/").status_code == 403
