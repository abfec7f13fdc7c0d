"""The Q&A core in a real browser: ask, answer, comment and reply, vote,
accept, edit and delete, with the page script doing its work without reloads."""

import pytest
from playwright.sync_api import expect

from qa.models import Category, Comment, Post
from tests.e2e.conftest import log_in, screenshot, sign_up
from tests.factories import TagFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
ASKER_PASSWORD = "a-long-and-unusual-passphrase"


def _log_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    log_in(page, live_server, username, password)


def _log_out(page) -> None:
    page.click("text=Log out")


def test_sign_up_ask_answer_comment_vote_accept_edit_delete(page, live_server) -> None:
    billing = Category.objects.create(name="Billing", slug="billing")
    Category.objects.create(name="Invoices", slug="invoices", parent=billing)
    UserFactory(username="helper")  # 200 reputation: votes and comments anywhere
    TagFactory(name="billing")  # a newcomer may use tags but not create them
    TagFactory(name="invoice")

    # Sign up, then ask.
    sign_up(page, live_server, "asker", "asker@example.com", ASKER_PASSWORD)
    page.click("text=Ask a question")
    page.fill("#id_title", "Where do I download my invoice?")
    page.fill("#id_body", "I paid last month but cannot find the invoice anywhere in my account.")
    page.fill("#id_tags", "billing invoice")
    page.select_option("#id_category", label="--- Invoices")
    screenshot(page, "ask-question")
    # The similar-questions request the title started is answered first: the
    # test server's threads share one in-memory SQLite connection, and a
    # request arriving while another runs breaks its savepoints.
    page.wait_for_load_state("networkidle")
    page.click("text=Post your question")
    page.wait_for_selector("h1.question-title")
    question_url = page.url
    assert "where-do-i-download-my-invoice" in question_url

    # Another member answers and comments.
    _log_out(page)
    _log_in(page, live_server, "helper")
    page.goto(question_url)
    page.fill(
        "#id_body", "Open **Account › Billing › Invoices** and click the PDF icon next to it."
    )
    page.click("text=Post your answer")
    page.wait_for_selector("article.post[id^=answer-]")
    page.locator("#question summary").click()
    page.fill("#question .comment-add textarea", "Which payment method did you use?")
    page.locator("#question .comment-add button[type=submit]").click()
    page.wait_for_selector("#question .comment-list .comment")
    page.evaluate("window.__noReload = true")
    page.locator("#question .vote-up").click()
    # A locator wait, not wait_for_function: the page's CSP forbids eval.
    expect(page.locator("#question .score")).to_have_text("1")
    assert page.locator("#question .vote-up").get_attribute("aria-pressed") == "true"
    assert page.evaluate("window.__noReload") is True  # the score changed without a reload

    # The asker, a newcomer, replies to the comment without a reload, votes, accepts.
    _log_out(page)
    _log_in(page, live_server, "asker", ASKER_PASSWORD)
    page.goto(question_url)
    page.evaluate("window.__noReload = true")
    page.click("#question .reply-link")
    page.fill("li.reply-form textarea", "A credit card, on the yearly plan.")
    page.click("li.reply-form button[type=submit]")
    page.wait_for_selector('#question .comment[data-level="1"] .comment-body')
    assert "credit card" in page.inner_text('#question .comment[data-level="1"]')

    # A newcomer cannot vote yet, and is told why.
    answer = page.locator("article.post[id^=answer-]")
    answer.locator(".vote-up").click()
    answer.locator(".inline-error").wait_for()
    assert "“vote up” privilege (15 reputation)" in answer.locator(".inline-error").inner_text()
    answer.locator(".accept").click()
    page.wait_for_selector("article.post.accepted")
    assert page.evaluate("window.__noReload") is True  # no navigation happened
    screenshot(page, "question-page")

    post = Post.objects.get(post_type="answer")
    assert post.score == 0 and post.parent is not None
    assert post.parent.accepted_answer_id == post.pk and post.parent.score == 1
    assert Comment.objects.get(level=1).parent.body_source == "Which payment method did you use?"

    # Voting on one's own post shows the reason inline.
    page.locator("#question .vote-up").click()
    page.wait_for_selector("#question .inline-error")
    assert "own post" in page.inner_text("#question .inline-error")

    # Edit, then delete, the question.
    page.click("#question >> text=Edit")
    page.fill("#id_title", "Where do I download my invoices as PDF?")
    page.click("text=Save edits")
    page.wait_for_selector("text=Your edit is saved.")
    assert "Where do I download my invoices as PDF?" in page.inner_text("h1")
    page.click("#question >> text=Delete")
    page.click("button.danger")
    page.wait_for_selector("text=This post is deleted")

    # The list no longer shows it to others.
    _log_out(page)
    page.goto(f"{live_server.url}/questions/")
    assert "invoices as PDF" not in page.inner_text("main")


def test_question_list_sorts_and_filters_by_category(page, live_server) -> None:
    from qa import services

    devices = Category.objects.create(name="Devices", slug="devices")
    bulbs = Category.objects.create(name="Bulbs", slug="bulbs", parent=devices)
    author = UserFactory(reputation=1500)  # creates the tags it uses
    services.question_ask(
        author=author,
        title="Bulb flickers when dimmed below 10%",
        body="Since yesterday my bulb flickers whenever I dim it very low.",
        tags="bulb dimming",
        category=bulbs,
    )
    services.question_ask(
        author=author,
        title="How do I change my delivery address?",
        body="I moved last week and need the next parcel sent to my new flat.",
        tags="shipping",
    )
    page.goto(f"{live_server.url}/")
    screenshot(page, "question-list")
    page.click("text=Unanswered")
    assert "sort=unanswered" in page.url
    page.goto(f"{live_server.url}/categories/")
    page.click("text=Devices")
    main = page.inner_text("main")
    assert "Bulb flickers" in main and "delivery address" not in main
