"""The French interface in a real browser: Chromium asks for French, the
pages answer in French, and the switcher goes back to English."""

import pytest
from playwright.sync_api import expect

from qa import services as qa
from tests.e2e.conftest import log_in, screenshot
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


def test_french_screens_for_a_member_and_staff(browser, live_server, settings) -> None:
    """The screens beyond the question pages, in French, as a member and as
    staff: the words come from the catalogue and nothing English shows."""
    from moderation.services.flags import flag_create
    from wiki.services.faq import faq_entry_approve, faq_entry_create

    settings.FAQ = {**settings.FAQ, "REQUIRE_SECOND_APPROVAL": False}
    TagFactory(name="ampoule")
    member = UserFactory(username="chloe", display_name="Chloé", preferred_language="fr")
    staff = UserFactory(username="sam", display_name="Sam", is_staff=True, preferred_language="fr")
    question = qa.question_ask(
        author=member,
        title="Pourquoi mon ampoule clignote-t-elle ?",
        body="Depuis la mise à jour, l’ampoule clignote deux fois puis s’éteint.",
        tags="ampoule",
    )
    flag_create(flagger=UserFactory(), post=question, reason="needs_attention", text="À vérifier")
    entry = faq_entry_create(
        author=staff,
        question="Comment réinitialiser une ampoule ?",
        answer="Allumez et éteignez-la cinq fois de suite, puis attendez le clignotement.",
    )
    faq_entry_approve(user=staff, entry=entry)
    context = browser.new_context(locale="fr-FR", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    log_in(page, live_server, "chloe", "correct horse battery staple")
    _visit(
        page,
        live_server,
        ("/notifications/settings/", "Réglages des e-mails", "fr-email-settings"),
        ("/privileges/", "Privilèges", "fr-privileges"),
        (member.get_absolute_url(), "Chloé", "fr-profile"),
        ("/ideas/", "Idées", "fr-ideas"),
        ("/faq/", "Foire aux questions", "fr-faq"),
        ("/settings/tokens/", "Jetons d’accès personnels", "fr-api-tokens"),
    )
    page.goto(f"{live_server.url}/accounts/logout/")
    page.click("main button[type=submit]")
    log_in(page, live_server, "sam", "correct horse battery staple")
    _visit(
        page,
        live_server,
        ("/moderation/", "Tableau de bord des modérateurs", "fr-moderation"),
        ("/moderation/flags/", "Signalements en attente", "fr-flags"),
        ("/staff/dashboard/", "Tableau de bord de la communauté", "fr-dashboard"),
        ("/faq/desk/", "Bureau de la FAQ", "fr-faq-desk"),
    )
    context.close()


def _visit(page, live_server, *screens: tuple[str, str, str]) -> None:
    """Open each (path, French heading, screenshot name) and keep a picture."""
    for path, heading, name in screens:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main h1")).to_contain_text(heading)
        screenshot(page, name)
