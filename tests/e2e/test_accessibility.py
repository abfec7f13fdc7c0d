"""Accessibility of the main pages: axe-core (pinned, from npm, see
scripts/ensure-axe) runs in Chromium on each page; no serious or critical
violation is allowed. Each page's screenshot lands in var/screenshots/."""

import pytest

from qa import services as qa
from search import sync
from tests.e2e.conftest import axe_violations, log_in, screenshot
from tests.factories import CategoryFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


@pytest.fixture
def thread(search_index):
    category = CategoryFactory(name="Lamps", slug="lamps")
    TagFactory(name="lamp")
    asker = UserFactory(username="asker", display_name="Asker Ada")
    question = qa.question_ask(
        author=asker,
        title="The lamp blinks red after the firmware update",
        body="Since last night's update my lamp blinks red three times and stays off.",
        tags="lamp",
        category=category,
    )
    answer = qa.answer_post(
        author=UserFactory(username="helper"),
        question=question,
        body="Unplug the lamp for **ten seconds**, then plug it back in.",
    )
    qa.comment_add(author=asker, post=answer, body="That worked, thank you very much!")
    qa.answer_accept(user=asker, answer=answer)
    sync.drain()
    return question


VISITOR_PAGES = {
    "home": "/",
    "questions": "/questions/?sort=newest",
    "search": "/search/?q=lamp+blinks",
    "tags": "/tags/",
    "categories": "/categories/",
    "users": "/users/",
    "log-in": "/accounts/login/",
    "sign-up": "/accounts/signup/",
    "contact": "/support/contact/",
    "wiki": "/wiki/",
    "faq": "/faq/",
}
MEMBER_PAGES = {"ask": "/questions/ask/", "profile": "/accounts/profile/"}


def _check(page, url: str, name: str) -> list[str]:
    page.goto(url)
    screenshot(page, f"a11y-{name}")
    return [f"{name}: {line}" for line in axe_violations(page)]


def test_main_pages_have_no_serious_accessibility_violation(
    page, live_server, thread, axe_script
) -> None:
    page.add_init_script(path=axe_script)
    found = [
        *(_check(page, live_server.url + path, name) for name, path in VISITOR_PAGES.items()),
        _check(page, live_server.url + thread.get_absolute_url(), "question"),
    ]
    log_in(page, live_server, "asker", PASSWORD)
    found += [_check(page, live_server.url + path, name) for name, path in MEMBER_PAGES.items()]
    problems = [line for lines in found for line in lines]
    assert problems == [], "\n".join(problems)


def test_french_pages_have_no_serious_accessibility_violation(
    new_page, live_server, thread, axe_script
) -> None:
    page = new_page("fr-FR")
    page.add_init_script(path=axe_script)
    problems = _check(page, f"{live_server.url}/", "fr-home")
    problems += _check(page, live_server.url + thread.get_absolute_url(), "fr-question")
    assert problems == [], "\n".join(problems)
