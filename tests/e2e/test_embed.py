"""Embedding in a real browser: the widget and an answer card on the demo help
centre, served from another origin than the site, answering "Was this
helpful?" into the deflection ledger — across real CORS, frame-ancestors and
the key's allowed origins, with no cookie set."""

import pytest
from playwright.sync_api import expect

from api import services
from api.models import Scope
from search.models import Deflection, ItemKind, SupportVisit
from tests.e2e.conftest import screenshot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lumio(live_server, help_centre, community):
    """The help centre embeds the widget and the accepted answer's card with a
    key that allows its origin and may post feedback."""
    _question, answer = community
    created = services.api_key_create(
        staff=UserFactory(is_staff=True),
        name="Lumio help centre",
        allowed_origins=[help_centre.origin],
        scopes=[Scope.FEEDBACK],
    )
    card = f"{live_server.url}/embed/answers/{answer.pk}/?client={created.row.prefix}"
    help_centre.configure(site=live_server.url, key=created.secret, card_src=card)
    answer.embed = {"site": live_server.url, "key": created.secret, "card_src": card}
    return answer


def test_the_widget_on_another_origin_finds_expands_and_takes_feedback(
    page, help_centre, lumio
) -> None:
    page.goto(f"{help_centre.origin}/")
    # Playwright's locators pierce the widget's open shadow root.
    widget = page.locator(".entraide-widget")
    widget.get_by_label("Describe your problem").press_sequentially("lamp blinks red", delay=40)
    result = widget.locator("button.r", has_text="The lamp blinks red after the firmware update")
    expect(result).to_be_visible()
    expect(result.locator(".b", has_text="Accepted")).to_be_visible()
    expect(widget.get_by_role("status")).to_contain_text("found")
    result.click()
    expect(result).to_have_attribute("aria-expanded", "true")
    panel = widget.locator(".ans").first
    expect(panel).to_contain_text("ten seconds")
    expect(panel.get_by_role("link", name="Read the whole thread")).to_be_visible()
    screenshot(page, "embed-widget")
    panel.get_by_role("button", name="Yes").click()
    expect(panel).to_contain_text("Thank you for your feedback.")

    deflection = Deflection.objects.get()
    assert (deflection.item_kind, deflection.item_id) == (ItemKind.ANSWER, lumio.pk)
    assert deflection.author == lumio.author
    visit = deflection.visit
    assert visit.flow == SupportVisit.Flow.EMBED and visit.query == "lamp blinks red"
    # Nothing was stored in the customer's browser, for either origin.
    assert page.context.cookies() == []


def test_the_widget_answers_with_arrow_keys_in_french(page, help_centre, lumio) -> None:
    help_centre.configure(**lumio.embed, lang="fr")
    page.goto(f"{help_centre.origin}/")
    widget = page.locator(".entraide-widget")
    field = widget.get_by_label("Décrivez votre problème")
    field.press_sequentially("lamp blinks", delay=40)
    first = widget.locator("button.r").first
    expect(first).to_be_visible()
    field.press("ArrowDown")
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    expect(widget.locator(".ans").first).to_contain_text("ten seconds")
    expect(widget.get_by_role("button", name="Oui")).to_be_visible()


def test_an_answer_card_on_another_origin_takes_feedback(page, help_centre, lumio) -> None:
    page.goto(f"{help_centre.origin}/")
    card = page.frame_locator("iframe[title='A featured answer from the Lumio community']")
    expect(card.locator(".body")).to_contain_text("ten seconds")
    expect(card.locator(".badge.accepted")).to_be_visible()
    screenshot(page, "embed-card")
    card.get_by_role("button", name="Yes").click()
    expect(card.get_by_role("status")).to_have_text("Thank you for your feedback.")
    deflection = Deflection.objects.get()
    assert (deflection.item_kind, deflection.item_id) == (ItemKind.ANSWER, lumio.pk)
    assert page.context.cookies() == []
