"""The demo's FAQ and wiki for Lumio, loaded by ``manage.py seed_demo`` after
the community in ``qa.demo``.

Plain Python data fed through the services, like the rest of the demo: the
FAQ entries are written, sent for review by the support team and approved
by Alice (a champion, named super-user by staff), two of them promoted from
the community's best answers; the wiki grows page by page with edit
summaries. A few things are left for a visitor to find: an entry waiting
for approval, an answer whose FAQ entry has fallen behind it, a suggested
edit to review, a stamp that has expired.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from qa import editing
from qa import services as qa_services
from qa.demo import md
from qa.models import Category, Post
from reputation.services import user_set_super_user

from . import services
from .models import FaqEntry, WikiPage


@dataclass(frozen=True)
class DemoFaqEntry:
    category: str  # a qa.demo category slug
    question: str
    answer: str = ""
    order: int = 0
    # Promoted from the accepted answer of the demo question with this title.
    promoted_from: str = ""
    verified_note: str = ""
    is_published: bool = True


@dataclass(frozen=True)
class DemoWikiPage:
    slug: str
    title: str
    author: str
    body: str
    children: tuple["DemoWikiPage", ...] = ()
    # Later edits, each (editor, summary, text replaced, replacement).
    edits: tuple[tuple[str, str, str, str], ...] = ()


FAQ: tuple[DemoFaqEntry, ...] = (
    DemoFaqEntry(
        category="bulbs",
        question="A bulb flashes three times and ignores the app. What do I do?",
        promoted_from="Bulb flashes three times and won't respond after a power cut",
        verified_note="for hub firmware 2.14",
    ),
    DemoFaqEntry(
        category="bulbs",
        order=1,
        question="Can I use Glow bulbs without the hub?",
        answer=md("""
            Yes. Every Glow bulb pairs with the app over Bluetooth, so you can
            switch it, dim it and change its colour from your phone when you
            are in the same room.

            The hub adds what Bluetooth cannot do:

            - control from outside the house,
            - routines (sunrise, schedules, away mode) that run with your
              phone switched off,
            - voice assistants and the local API.

            You can add a hub later: bulbs paired over Bluetooth keep their
            names and rooms when you move them to the hub.
            """),
    ),
    DemoFaqEntry(
        category="hub",
        question="Which Wi-Fi networks can the Lumio Hub join?",
        answer=md("""
            The hub joins **2.4 GHz** networks secured with WPA2 or WPA3
            (personal). It cannot join:

            | network | why |
            | --- | --- |
            | 5 GHz only | the hub's radio is 2.4 GHz |
            | WPA2/WPA3 *Enterprise* | it has no way to enter a user name |
            | networks with a sign-in page (hotels, some offices) | there is no browser on the hub |

            If your router uses one name for both bands, the hub picks
            2.4 GHz by itself. If it still fails, plug the hub into the router
            with the supplied cable: it works on Ethernet too.
            """),
    ),
    DemoFaqEntry(
        category="invoices",
        question="Where do I find the invoices for my Lumio Plus subscription?",
        promoted_from="Where can I download invoices for my Plus subscription?",
    ),
    DemoFaqEntry(
        category="subscription",
        question="How do I cancel Lumio Plus, and what happens to my data?",
        answer=md("""
            Cancel any time under **Account › Subscription › Cancel** on the
            web or in the app. You keep Plus until the end of the period you
            paid for; nothing is refunded pro rata, except in the first
            14 days.

            When Plus ends:

            - history older than 7 days and energy reports are kept for
              90 days, in case you come back, then deleted;
            - away mode and the extra routines stop, your own routines keep
              running;
            - bulbs, the hub and the app keep working as before.
            """),
    ),
    DemoFaqEntry(
        category="shipping-returns",
        question="Can I return a product I have already opened?",
        answer=md("""
            Yes, within 30 days of delivery, opened or not, as long as nothing
            is damaged. Start the return under **Orders › Return an item**:
            you get a prepaid label by e-mail. Refunds reach your card within
            5 working days of the parcel arriving at our warehouse.
            """),
    ),
    DemoFaqEntry(
        category="hub",
        order=1,
        question="Does the Lumio Hub support Matter?",
        answer=md("""
            Matter support comes with hub firmware 3.0, in beta now. Join the
            beta under **Settings › Hub › Firmware › Beta channel**; Glow
            bulbs then appear in any Matter controller.
            """),
        is_published=False,  # waiting for a second approval
    ),
)

WIKI_HOME = md("""
    How-tos and reference pages about Lumio products, written by the
    community and the support team. Anyone can read them; members from
    1,000 reputation can improve them.
    """)

WIKI: tuple[DemoWikiPage, ...] = (
    DemoWikiPage(
        "getting-started",
        "Getting started",
        "staff",
        md("""
            New to Lumio? Set things up in this order and you will not have
            to pair anything twice.

            ## What you need

            - a phone with the Lumio app (iOS 16 or Android 10 and later),
            - your Wi-Fi name and password (2.4 GHz),
            - the hub, if you have one, near the router for the first set-up.

            ## The order that works

            1. Set up the hub (below).
            2. Pair the bulbs, one room at a time.
            3. Create routines last: they refer to rooms, not bulbs.
            """),
        children=(
            DemoWikiPage(
                "hub-setup",
                "Setting up the hub",
                "alice",
                md("""
                    ## Plug it in

                    Connect the hub to power, and to the router with the cable
                    if you can. Wait for the LED to pulse blue.

                    ## Add it in the app

                    **Add device › Hub**, then scan the code under the hub.
                    The app finds it on the network, or over Bluetooth when it
                    is not on the network yet, and asks for your Wi-Fi.

                    ## Firmware

                    The hub updates itself on first start: leave it plugged in
                    until the LED is solid white (up to 15 minutes).
                    """),
                edits=(
                    (
                        "daniel",
                        "Say how long the first update takes",
                        "until the LED is solid white (up to 15 minutes).",
                        "until the LED is solid white. On a slow connection this takes up\n"
                        "to 20 minutes, and the LED may turn off for a minute while the hub\n"
                        "restarts.",
                    ),
                ),
            ),
            DemoWikiPage(
                "pairing-bulbs",
                "Pairing bulbs",
                "alice",
                md("""
                    Screw the bulbs in and switch them on at the wall. In the
                    app, open **Add device › Bulb**: it finds every new bulb in
                    range at once. Name each one as it blinks.

                    ## A bulb is not found

                    - Move the phone within 3 metres of the bulb.
                    - Reset the bulb: off and on at the wall five times.
                    - Glow Mini bulbs need app 3.7 or later.
                    """),
            ),
        ),
    ),
    DemoWikiPage(
        "troubleshooting",
        "Troubleshooting",
        "staff",
        md("""
            Start here when something stops working. Most problems come from
            the network or from a bulb that lost its pairing.
            """),
        children=(
            DemoWikiPage(
                "blink-patterns",
                "What the bulb's blinking means",
                "daniel",
                md("""
                    Bulbs say what is wrong with short blink patterns when
                    they are switched on.

                    | pattern | meaning | what to do |
                    | --- | --- | --- |
                    | 3 quick flashes | lost its link to the hub | pair it again |
                    | slow pulse | reset, waiting to be paired | **Add device › Bulb** |
                    | 2 flashes, repeated | firmware update failed | leave it on for 10 minutes |
                    | steady warm white | normal start | nothing |

                    ## Resetting a bulb

                    Switch it off and on at the wall five times, about a
                    second each time, until it pulses.
                    """),
            ),
            DemoWikiPage(
                "hub-offline",
                "The hub is offline",
                "alice",
                md("""
                    ## Check the LED

                    - **Solid white**: the hub is fine; the app cannot reach it.
                      Sign out of the app and in again.
                    - **Orange**: no network. Restart the router, then the hub.
                    - **Off**: no power. Try another socket and the original
                      adapter.

                    ## Still offline?

                    Plug the hub into the router with a cable. If it comes
                    back, the problem is the Wi-Fi: see the FAQ about which
                    networks the hub can join.
                    """),
            ),
        ),
    ),
    DemoWikiPage(
        "local-api",
        "The local API",
        "daniel",
        md("""
            The hub answers HTTP requests on your home network, so scripts can
            switch lights without the cloud.

            ## Get a token

            In the app: **Settings › Hub › Local API › New token**. Tokens can
            be revoked there too.

            ## Switch a room on

            ```
            curl -X PUT http://lumio-hub.local/api/v1/rooms/living-room \\
                 -H "Authorization: Bearer $LUMIO_TOKEN" \\
                 -d '{"on": true, "brightness": 80}'
            ```

            ## Read every light's state

            ```
            curl http://lumio-hub.local/api/v1/lights \\
                 -H "Authorization: Bearer $LUMIO_TOKEN"
            ```

            Requests are limited to 10 a second; beyond that the hub answers
            `429` with a `Retry-After` header.
            """),
    ),
    DemoWikiPage(
        "billing",
        "Billing and Lumio Plus",
        "staff",
        md("""
            ## Invoices

            Every payment has an invoice under **Billing › Invoices** on the
            web account page. Add a company name and VAT number under
            **Billing › Details**; invoices downloaded afterwards include them.

            ## Payment methods

            Cards (Visa, Mastercard, American Express) and SEPA direct debit.
            A card declined at renewal is retried after 3 and 7 days.
            """),
    ),
)


class _WikiLoader:
    def __init__(self) -> None:
        self.users = {user.username: user for user in User.objects.all()}
        self.categories = {category.slug: category for category in Category.objects.all()}
        self.staff = self.users["staff"]
        # Alice, a long-standing member, is the community's champion: she
        # approves what the support team sends for review.
        self.approver = user_set_super_user(
            staff=self.staff, user=self.users["alice"], is_super_user=True
        )

    def load(self) -> tuple[int, int]:
        for spec in FAQ:
            self.add_entry(spec)
        root = services.wiki_root()
        services.wiki_page_edit(
            editor=self.staff,
            page=root,
            title="Lumio wiki",
            body=WIKI_HOME,
            base_revision=root.revision_number,
            summary="Welcome text",
        )
        for page in WIKI:
            self.add_page(page, root)
        billing = WikiPage.objects.get(path="billing")
        services.wiki_page_set_locked(user=self.staff, page=billing, is_locked=True)
        self.leave_work_for_visitors()
        return FaqEntry.objects.count(), WikiPage.objects.count()

    def add_entry(self, spec: DemoFaqEntry) -> None:
        category = self.categories[spec.category]
        if spec.promoted_from:
            answer = Post.objects.get(title=spec.promoted_from).accepted_answer
            assert answer is not None, spec.promoted_from
            entry = services.faq_promote(user=self.staff, answer=answer)
            entry = services.faq_entry_edit(
                editor=self.staff,
                entry=entry,
                question=spec.question,
                answer=entry.answer_source,
                category=category,
                order=spec.order,
                base_revision=entry.revision_number,
                summary="Question worded as customers ask it",
            )
        else:
            entry = services.faq_entry_create(
                author=self.staff,
                question=spec.question,
                answer=spec.answer,
                category=category,
                order=spec.order,
            )
        services.faq_entry_submit(user=self.staff, entry=entry)
        if spec.is_published:
            services.faq_entry_approve(user=self.approver, entry=entry)
        if spec.verified_note:
            until = timezone.localdate() + timedelta(days=180)
            services.stamp_verify(
                user=self.staff, target=entry, until=until, note=spec.verified_note
            )

    def add_page(self, spec: DemoWikiPage, parent: WikiPage) -> None:
        page = services.wiki_page_create(
            author=self.users[spec.author],
            parent=parent,
            slug=spec.slug,
            title=spec.title,
            body=spec.body,
            summary="First version",
        )
        for editor, summary, before, after in spec.edits:
            assert before in page.body_source, before
            services.wiki_page_edit(
                editor=self.users[editor],
                page=page,
                title=spec.title,
                body=page.body_source.replace(before, after),
                base_revision=page.revision_number,
                summary=summary,
            )
        for child in spec.children:
            self.add_page(child, page)

    def leave_work_for_visitors(self) -> None:
        # The answer behind the first FAQ entry improves after its promotion:
        # staff see the change on the entry and on the FAQ desk.
        bulb = Post.objects.get(title=FAQ[0].promoted_from).accepted_answer
        assert bulb is not None
        qa_services.post_edit(
            editor=self.users["alice"],
            post=bulb,
            body=bulb.body_source.replace(
                "for 30 seconds.", "for 30 seconds (keep the phone within 3 metres)."
            ),
            summary="Distance matters for pairing",
        )
        # A newcomer suggests an improvement to an answer: the review queue.
        battery = Post.objects.get(title="Lumio app drains my battery in the background on a Pixel")
        answer = battery.answers.order_by("-score").first()
        if answer is not None:
            editing.suggested_edit_create(
                author=self.users["hugo"],
                post=answer,
                body=answer.body_source
                + "\n\nOn Android 14 the setting is under **Apps › Lumio › Battery**.",
                summary="Where the setting is on Android 14",
            )
        # Support verified an answer for an app version that has since moved
        # on: the stamp has expired and waits on the "to re-verify" list.
        widget = Post.objects.get(
            title="Home-screen widget stopped updating after the latest iOS update"
        )
        first = widget.answers.order_by("-score").first()
        if first is not None:
            services.stamp_verify(user=self.staff, target=first, note="for app 3.8")
            Post.objects.filter(pk=first.pk).update(
                verified_until=timezone.localdate() - timedelta(days=3)
            )


def wiki_demo_is_loaded() -> bool:
    return FaqEntry.objects.exists()


def wiki_demo_seed() -> tuple[int, int] | None:
    """Load the FAQ and the wiki once the community is there; None when done
    already (or when the community is missing). Returns (entries, pages).

    All or nothing, like the community: one transaction.
    """
    if wiki_demo_is_loaded():
        return None
    with transaction.atomic():
        if not User.objects.filter(username="staff").exists():
            return None
        return _WikiLoader().load()
