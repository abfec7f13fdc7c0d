"""Keyboard only: a member asks a question without touching the mouse."""

import pytest

from qa import services as qa
from qa.models import Post
from search import sync
from tests.e2e.conftest import log_in, screenshot
from tests.factories import TagFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


def _focused(page, selector: str) -> bool:
    return bool(page.evaluate("s => document.activeElement.matches(s)", selector))


def _tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until ``selector`` has the focus, and check that it shows."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused(page, selector):
            outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"{selector} has the focus but shows no focus ring"
            return
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


def test_the_ask_flow_works_with_the_keyboard_alone(page, live_server, search_index) -> None:
    TagFactory(name="lamp")
    qa.question_ask(
        author=UserFactory(username="asker"),
        title="The lamp blinks red after the firmware update",
        body="Since last night's update my lamp blinks red three times and stays off.",
        tags="lamp",
    )
    sync.drain()
    UserFactory(username="member")
    log_in(page, live_server, "member", PASSWORD)
    page.goto(f"{live_server.url}/questions/")

    # The first Tab reaches the skip link, which takes the focus past the menus.
    page.keyboard.press("Tab")
    assert _focused(page, "a.skip-link")
    _tab_to(page, "main a[href$='/questions/ask/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/questions/ask/")

    _tab_to(page, "#id_title")
    page.keyboard.type("Lamp blinks red after the update, what now?")
    page.locator("#similar-questions a.suggestion-link").first.wait_for()
    # The similar questions are reachable in order, right after the title.
    page.keyboard.press("Tab")
    assert _focused(page, "#similar-questions a")
    _tab_to(page, "#id_body")
    page.keyboard.type("My lamp blinks red three times since the update, unplugging did not help.")
    _tab_to(page, "#id_tags")
    page.keyboard.type("lamp")
    _tab_to(page, "button[type=submit].primary")
    screenshot(page, "ask-keyboard")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1.question-title")
    assert Post.objects.filter(title="Lamp blinks red after the update, what now?").exists()
