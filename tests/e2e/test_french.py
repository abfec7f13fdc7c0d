"""The French interface in a real browser: Chromium asks for French, the
pages answer in French, and the switcher goes back to English."""

import pytest
from playwright.sync_api import expect

from qa import services as qa
from tests.e2e.conftest import screenshot
from tests.factories import TagFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_french_pages_and_the_switcher(new_page, live_server) -> None:
    TagFactory(name="ampoule")
    asker = UserFactory(display_name="Chloé")
    question = qa.question_ask(
        author=asker,
        title="Pourquoi mon ampoule clignote-t-elle ?",
        body="Depuis la mise à jour, l’ampoule clignote deux fois puis s’éteint.",
        tags="ampoule",
    )
    qa.answer_post(
        author=UserFactory(), question=question, body="Maintenez l’interrupteur dix secondes."
    )
    page = new_page("fr-FR")
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(".main-nav")).to_contain_text("Catégories")
    screenshot(page, "fr-question-list")
    page.goto(f"{live_server.url}{question.get_absolute_url()}")
    expect(page.locator("#answers-heading")).to_have_text("1 réponse")
    screenshot(page, "fr-question")
    page.goto(f"{live_server.url}/accounts/signup/")
    expect(page.locator("main h1")).to_contain_text("Création de compte")
    screenshot(page, "fr-sign-up")
    page.select_option("#language-switcher", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_contain_text("Sign Up")
