from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from api import services
from tests.factories import UserFactory


@pytest.fixture
def client_api() -> APIClient:
    return APIClient()


@pytest.fixture
def staff(db: Any) -> Any:
    return UserFactory(is_staff=True, reputation=1)


@pytest.fixture
def token_client(db: Any) -> Callable[..., APIClient]:
    """A client sending a new personal access token of ``user``."""

    def make(user: Any, *, can_write: bool = True) -> APIClient:
        created = services.token_create(user=user, name="script", can_write=can_write)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {created.secret}")
        client.token = created  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture
def make_key(staff: Any) -> Callable[..., services.Created]:
    def make(**kwargs: Any) -> services.Created:
        kwargs.setdefault("name", "Help centre")
        kwargs.setdefault("allowed_origins", ["https://help.example.com"])
        return services.api_key_create(staff=staff, **kwargs)

    return make


def problem(response: Any, status: int) -> dict[str, Any]:
    """The problem document of ``response``, after checking its status and type."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("/api/problems/")
    assert body["title"] and body["detail"]
    return body


def pointers(body: dict[str, Any]) -> dict[str, str]:
    return {error["pointer"]: error["detail"] for error in body.get("errors", [])}
