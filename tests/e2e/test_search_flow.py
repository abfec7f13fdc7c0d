"""Search in a real browser against the live server and the real engine:
search as you type with facets, similar questions on the ask page, and the
contact page that shows answers before a request can be sent."""

import re

import pytest
from playwright.sync_api import expect

from search.models import Deflection, SupportVisit
from tests.e2e.conftest import log_in, screenshot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


def test_search_as_you_type_with_facets(page, live_server, community) -> None:
    page.goto(f"{live_server.url}/search/")
    page.evaluate("window.__noReload = true")
    page.locator("#search-q").press_sequentially("lamp blinks", delay=40)
    # The results of the last words typed (earlier ones may show first).
    page.locator(".hit-title mark", has_text="blinks").first.wait_for()
    assert "The lamp blinks red" in page.inner_text(".hit-list")
    assert page.evaluate("window.__noReload") is True  # results came without a reload
    assert "q=lamp+blinks" in page.url
    marks = page.locator(".hit-title mark").all_inner_texts()
    assert {"lamp", "blinks"} <= {m.lower() for m in marks}
    screenshot(page, "search-results")

    page.locator("#search-q").fill("")
    page.locator("#search-q").press_sequentially("lamp", delay=40)
    # Locator waits: the pages' Content-Security-Policy forbids eval (wait_for_function).
    expect(page.locator(".hit")).to_have_count(2)
    page.click(".facet >> text=firmware")
    page.wait_for_url(re.compile(r".*tag=firmware.*"))
    assert page.locator(".hit").count() == 1
    assert page.locator(".facet a.selected").inner_text() == "firmware"
    page.click(".hit-title a")
    page.wait_for_selector("h1.question-title")
    assert "The lamp blinks red" in page.inner_text("h1")


def test_similar_questions_appear_while_typing_the_title(page, live_server, community) -> None:
    UserFactory(username="newcomer")
    log_in(page, live_server, "newcomer", PASSWORD)
    page.goto(f"{live_server.url}/questions/ask/")
    page.locator("#id_title").press_sequentially("My lamp is blinking red", delay=50)
    box = page.locator("#similar-questions")
    box.locator("text=These questions may already answer yours").wait_for()
    assert "The lamp blinks red after the firmware update" in box.inner_text()
    assert "accepted answer" in box.inner_text()
    # The box sits right under the title field, before the body.
    assert (
        page.evaluate("document.querySelector('#id_title').closest('.field').nextElementSibling.id")
        == "similar-questions"
    )
    screenshot(page, "ask-similar-questions")
    with page.context.expect_page() as opened:
        box.locator("a.suggestion-link").first.click()
    opened.value.wait_for_load_state()
    assert "#answer-" in opened.value.url
    visit = SupportVisit.objects.get(flow="ask")
    assert visit.items.filter(opened_at__isnull=False).count() == 1


def test_contact_support_shows_answers_first_and_records_the_outcome(
    page, live_server, community
) -> None:
    _question, answer = community
    page.goto(f"{live_server.url}/support/contact/")
    assert page.locator("#contact-request").is_hidden()
    page.locator("#contact-q").press_sequentially("lamp blinks red since the update", delay=30)
    page.locator("text=These answers may solve your problem").wait_for()
    page.locator("#contact-request").wait_for(state="visible")
    # Filled from the last words typed (suggestions for earlier ones may come first).
    expect(page.locator("#id_subject")).to_have_value("lamp blinks red since the update")
    screenshot(page, "contact-support")
    page.locator(".suggestion", has_text="The lamp blinks red").locator(
        "text=This solved it"
    ).click()
    page.locator("h1", has_text="Glad it helped").wait_for()
    deflection = Deflection.objects.get()
    assert deflection.kind == "explicit" and deflection.author == answer.author

    # Another customer still needs help and sends the request.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/support/contact/")
    page.locator("#contact-q").press_sequentially("invoice missing", delay=30)
    page.locator("#contact-request").wait_for(state="visible")
    page.fill("#id_email", "customer@example.com")
    page.fill("#id_message", "My invoice for October is missing from the account page.")
    page.click("[data-send-request]")
    page.locator("h1", has_text="Request sent").wait_for()
    assert SupportVisit.objects.filter(outcome="sent").count() == 1


def test_a_search_with_typos_finds_the_answer(page, live_server, community) -> None:
    _question, answer = community
    page.goto(f"{live_server.url}/search/")
    # Two misspelt words: "firmware" and "update".
    page.locator("#search-q").press_sequentially("firmwre updte", delay=40)
    hit = page.locator(".hit", has_text="The lamp blinks red after the firmware update")
    hit.wait_for()
    screenshot(page, "search-typo")
    hit.locator(".hit-title a").click()
    page.wait_for_selector("h1.question-title")
    accepted = page.locator(f"#answer-{answer.pk}")
    expect(accepted).to_have_class(re.compile(r"\baccepted\b"))
    assert "ten seconds" in accepted.inner_text()
