"""The credential pages in a real browser: a member makes a token and sees it
once; staff make an API key and get the widget snippet."""

import re

import pytest

from api.models import ApiKey, PersonalAccessToken
from tests.e2e.conftest import log_in, screenshot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def _log_in(page, live_server, username: str) -> None:
    log_in(page, live_server, username, PASSWORD)


def test_a_member_makes_a_token_from_the_profile_and_revokes_it(page, live_server) -> None:
    member = UserFactory(username="scripter")
    _log_in(page, live_server, "scripter")
    page.goto(f"{live_server.url}{member.get_absolute_url()}")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("nightly export")
    page.get_by_label(re.compile("Allow writing")).check()
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("Your new token").input_value()
    assert secret.startswith("ept_")
    screenshot(page, "api-token-created")
    token = PersonalAccessToken.objects.get(user=member)
    assert token.can_write and token.prefix in secret
    page.goto(f"{live_server.url}/settings/tokens/")
    assert secret not in page.content()
    page.get_by_role("button", name="Revoke nightly export").click()
    page.wait_for_selector("text=revoked")
    token.refresh_from_db()
    assert token.is_revoked


def test_staff_make_an_api_key_with_origins(page, live_server) -> None:
    UserFactory(username="boss", is_staff=True)
    _log_in(page, live_server, "boss")
    page.goto(f"{live_server.url}/staff/api-keys/")
    page.get_by_label("Client name").fill("Lumio help centre")
    page.get_by_label("Allowed origins").fill("https://help.lumio.example")
    page.get_by_role("button", name="Create key").click()
    secret = page.get_by_label("Your new API key").input_value()
    assert secret.startswith("eak_")
    assert f'data-key="{secret}"' in page.locator("pre.snippet").inner_text()
    screenshot(page, "api-key-created")
    key = ApiKey.objects.get()
    assert key.allowed_origins == ["https://help.lumio.example"]


def test_staff_register_a_webhook_and_read_its_log(page, live_server, settings) -> None:
    settings.WEBHOOKS = {**settings.WEBHOOKS, "ALLOW_HTTP": True}
    UserFactory(username="boss", is_staff=True)
    _log_in(page, live_server, "boss")
    page.goto(f"{live_server.url}/staff/webhooks/")
    page.get_by_label("Name").fill("Ticket bridge")
    page.get_by_label("URL").fill("http://127.0.0.1:9/hooks")
    page.get_by_label("Question still unanswered after N hours").check()
    page.get_by_label(re.compile("counts as unanswered after")).fill("4")
    page.get_by_role("button", name="Add endpoint").click()
    page.wait_for_selector("text=Signing secret")
    assert page.get_by_text("question.unanswered").first.is_visible()
    screenshot(page, "webhook-endpoint")
