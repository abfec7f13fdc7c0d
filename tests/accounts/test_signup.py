import pytest

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase"


def test_sign_up_logs_in_and_log_out_works(client) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "username": "camille",
            "email": "camille@example.com",
            "display_name": "Camille D.",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="camille")
    assert user.reputation == 1 and user.public_name == "Camille D."
    assert b"Camille D." in client.get("/").content
    client.post("/accounts/logout/")
    assert b"Log in" in client.get("/").content


def test_log_in_with_username_and_password(client) -> None:
    UserFactory(username="dominique", password=PASSWORD)
    response = client.post("/accounts/login/", {"username": "dominique", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "dominique"


def test_e_mail_must_be_unique_whatever_its_case(client) -> None:
    UserFactory(email="sam@example.com")
    response = client.post(
        "/accounts/signup/",
        {
            "username": "sam2",
            "email": "SAM@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "already exists" in str(response.context["form"].errors["email"])


def test_sign_up_errors_are_shown_with_400(client) -> None:
    response = client.post("/accounts/signup/", {"username": "", "email": "nope"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) >= {"username", "email", "password1"}
