"""The demo community loaded by ``manage.py seed_demo``: support for Lumio.

Lumio is a made-up maker of smart lighting (Glow bulbs, a hub, a light strip,
a mobile app and the Lumio Plus subscription). The content below is plain
Python data; ``demo_seed()`` feeds it through the same services a member's
clicks go through, so every counter is right, then moves the timestamps into
the past so the lists look lived in.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from textwrap import dedent

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import email_mark_verified
from moderation import services as moderation
from privacy.services import policies_accept
from reputation.models import Reason, ReputationEvent
from reputation.services import accept_key, reputation_import, vote_key

from . import services
from .models import Category, Comment, Post, Tag, Vote

DEMO_PASSWORD = "demo-password-123"
# The demo is loaded when this user exists; a second run then does nothing.
MARKER_USERNAME = "staff"


def md(text: str) -> str:
    """Let bodies be indented like the code around them."""
    return dedent(text).strip()


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    language: str
    reputation: int
    joined_days_ago: int
    is_staff: bool = False


@dataclass(frozen=True)
class DemoCategory:
    slug: str
    name: str
    description: str
    children: tuple["DemoCategory", ...] = ()


@dataclass(frozen=True)
class DemoComment:
    author: str
    # Hours after the post (or, for a reply, after the comment it answers).
    hours: float
    body: str
    replies: tuple["DemoComment", ...] = ()


@dataclass(frozen=True)
class DemoAnswer:
    author: str
    hours: float  # after the question
    body: str
    up: tuple[str, ...] = ()
    down: tuple[str, ...] = ()
    comments: tuple[DemoComment, ...] = ()
    is_accepted: bool = False
    # Username of whoever deletes the answer two hours after it is posted.
    deleted_by: str = ""


@dataclass(frozen=True)
class DemoQuestion:
    language: str
    author: str
    category: str  # a DemoCategory slug
    days_ago: float
    title: str
    tags: tuple[str, ...]
    body: str
    up: tuple[str, ...] = ()
    down: tuple[str, ...] = ()
    comments: tuple[DemoComment, ...] = ()
    answers: tuple[DemoAnswer, ...] = ()


USERS: tuple[DemoUser, ...] = (
    DemoUser("staff", "Léa (Lumio team)", "fr", 4820, 420, is_staff=True),
    DemoUser("alice", "Alice Marsh", "en", 2875, 380),
    DemoUser("bruno", "Bruno Lefèvre", "fr", 1340, 300),
    DemoUser("daniel", "Daniel Okafor", "en", 958, 250),
    DemoUser("chloe", "Chloé Dumas", "fr", 612, 190),
    DemoUser("emma", "Emma Kowalski", "en", 187, 120),
    DemoUser("farid", "Farid Benali", "fr", 74, 75),
    DemoUser("grace", "Grace Liu", "en", 58, 66),
    DemoUser("hugo", "Hugo Martins", "en", 23, 25),
)

CATEGORIES: tuple[DemoCategory, ...] = (
    DemoCategory(
        "account-billing",
        "Account & billing",
        "Your Lumio account, payments and the Lumio Plus subscription.",
        (
            DemoCategory("invoices", "Invoices", "Finding, downloading and correcting invoices."),
            DemoCategory("payments", "Payments", "Cards, declined payments, refunds."),
            DemoCategory("subscription", "Subscription", "Lumio Plus: trial, renewal, cancelling."),
        ),
    ),
    DemoCategory(
        "devices",
        "Devices",
        "Glow bulbs, the Lumio Hub and the Lumio Strip.",
        (
            DemoCategory("bulbs", "Bulbs", "Glow and Glow Mini bulbs: colour, pairing, resets."),
            DemoCategory("hub", "Hub", "The Lumio Hub: network, firmware, routines."),
            DemoCategory("setup", "Setup", "Installing and pairing new devices."),
        ),
    ),
    DemoCategory(
        "mobile-app",
        "Mobile app",
        "The Lumio app for phones and tablets.",
        (
            DemoCategory("android", "Android", "The app on Android phones and tablets."),
            DemoCategory("ios", "iOS", "The app on iPhone and iPad, and its widgets."),
        ),
    ),
    DemoCategory(
        "integrations",
        "Integrations",
        "Lumio with voice assistants, scripts and other systems.",
        (
            DemoCategory("local-api", "Local API", "Talking to the hub from your own code."),
            DemoCategory("voice-assistants", "Voice assistants", "Smart speakers and voice."),
        ),
    ),
    DemoCategory(
        "shipping-returns",
        "Shipping & returns",
        "Orders, delivery, returns and exchanges.",
    ),
)

TAG_EXCERPTS: dict[str, str] = {
    "bulbs": "Glow and Glow Mini bulbs: colour, brightness, resets and pairing.",
    "hub": "The Lumio Hub that connects bulbs to your network and runs routines.",
    "firmware": "Updates of the software inside bulbs and the hub.",
    "wifi": "Connecting the hub to a Wi-Fi network (2.4 GHz only).",
    "local-api": "The hub's HTTP API on your home network, with a bearer token.",
    "lumio-plus": "The optional subscription: history, energy reports, smart away mode.",
    "routines": "Automations that run on the hub: schedules, sunrise, away mode.",
    "abonnement": "Questions en français sur l'abonnement Lumio Plus.",
    "facturation": "Questions en français sur les factures.",
    "ampoules": "Questions en français sur les ampoules Glow.",
}


QUESTIONS: tuple[DemoQuestion, ...] = (
    # --- English -----------------------------------------------------------
    DemoQuestion(
        language="en",
        author="emma",
        category="bulbs",
        days_ago=52.3,
        title="Bulb flashes three times and won't respond after a power cut",
        tags=("bulbs", "reset", "power-outage"),
        body=md("""
            We had a short power cut last night. Since then one of the four Glow
            bulbs in the living room flashes three times when I switch it on at
            the wall, then stays at warm white and ignores the app.

            The other three came back fine. The app lists it as **Unreachable**.

            - Bulb: Lumio Glow A60 (E27), bought in March
            - Hub firmware: 2.14.3
            - App: 3.8.0 on Android

            Is the bulb dead, or is there something I can do?
            """),
        up=("alice", "daniel", "grace", "bruno"),
        comments=(
            DemoComment(
                "daniel",
                1,
                "Does it flash **three** times, or keep blinking slowly? "
                "The two patterns mean different things.",
                replies=(
                    DemoComment(
                        "emma", 0.5, "Three quick flashes, then it stays on. No slow blinking."
                    ),
                ),
            ),
        ),
        answers=(
            DemoAnswer(
                author="alice",
                hours=3,
                is_accepted=True,
                up=("emma", "daniel", "bruno", "staff"),
                body=md("""
                    Three quick flashes means the bulb came back up but lost its
                    link to the hub, usually because the power cut hit in the
                    middle of a mesh update. You don't need a new bulb, just
                    pair it again:

                    1. Switch the bulb off and on at the wall **five times**,
                       about one second each time.
                    2. It pulses slowly once it has reset.
                    3. In the app, go to **Add device › Bulb** and let it search
                       for 30 seconds.

                    Pick *Replace an existing bulb* at the end and it keeps its
                    name, room and routines.
                    """),
                comments=(
                    DemoComment(
                        "emma", 2, "Worked first time, and it kept its place in my routines!"
                    ),
                ),
            ),
            DemoAnswer(
                author="daniel",
                hours=6,
                up=("emma", "alice"),
                body=md("""
                    Once it's back, have a look at **Settings › Bulb › Power-on
                    behaviour**. With *Last state* instead of *Warm white*, bulbs
                    come back the way they were after the next cut, which makes
                    it much easier to tell a bulb that lost its pairing from one
                    that simply restarted.
                    """),
            ),
        ),
    ),
    DemoQuestion(
        language="en",
        author="daniel",
        category="hub",
        days_ago=47.6,
        title="Hub shows offline in the app but its LED is solid white",
        tags=("hub", "wifi", "connectivity"),
        body=md("""
            My Lumio Hub has been **Offline** in the app since yesterday
            evening, yet the LED on the front is solid white, which the manual
            says means "connected".

            What I tried:

            - restarted the hub (unplugged for 30 s)
            - restarted the router
            - logged out of the app and back in

            The bulbs still respond to the wall switches and scene buttons, so
            the hub is doing its job locally. Only the app can't see it.
            """),
        up=("alice", "emma", "chloe"),
        comments=(
            DemoComment(
                "alice",
                2,
                "Did your router get a firmware update recently? Some of them switch "
                "client isolation back on after updating.",
            ),
        ),
        answers=(
            DemoAnswer(
                author="staff",
                hours=5,
                is_accepted=True,
                up=("daniel", "alice", "emma", "bruno"),
                body=md("""
                    Solid white means the hub has Wi-Fi and an address, not that
                    your phone can reach it. At home the app talks to the hub
                    directly, so "offline" usually means the two can't see each
                    other on the network.

                    Could you check these two things?

                    1. The phone is on the **same** network as the hub (not a
                       guest network).
                    2. Client or AP isolation is **off** in the router.

                    You can confirm from a computer on the same network:

                    ```console
                    $ ping lumio-hub.local
                    PING lumio-hub.local (192.168.1.42): 56 data bytes
                    64 bytes from 192.168.1.42: icmp_seq=0 ttl=64 time=4.1 ms
                    ```

                    If the ping answers but the app still says offline, post the
                    serial number from the label underneath and we'll look at
                    the hub's connection log.
                    """),
                comments=(
                    DemoComment(
                        "daniel",
                        3,
                        "AP isolation had switched itself back on after a router update. "
                        "Off again and the hub is online. Thanks Léa!",
                        replies=(
                            DemoComment(
                                "alice",
                                1,
                                "Same thing happened to me last spring; worth a line in the FAQ.",
                                replies=(
                                    DemoComment(
                                        "staff",
                                        2,
                                        "Good idea, I'll add it to the troubleshooting page "
                                        "this week.",
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
        ),
    ),
    DemoQuestion(
        language="en",
        author="grace",
        category="setup",
        days_ago=44.1,
        title="Can I use Glow bulbs without buying the hub?",
        tags=("setup", "bluetooth", "hub"),
        body=md("""
            I only want two bulbs for the bedroom for now. The starter kit comes
            with a hub, but single bulbs are sold without one. Will they work on
            their own with just my phone, or is the hub required?
            """),
        up=("emma", "farid"),
        answers=(
            DemoAnswer(
                author="alice",
                hours=1.5,
                is_accepted=True,
                up=("grace", "emma", "daniel", "farid"),
                body=md("""
                    Yes. Every Glow bulb has Bluetooth built in and the app can
                    control it directly. Without a hub you get:

                    - on/off, brightness, colour and scenes while your phone is
                      **within about 10 m**
                    - up to **10 bulbs** per phone
                    - schedules stored on the bulb itself, so they run even when
                      your phone is away

                    You need the hub for:

                    - control from outside the house
                    - voice assistants
                    - routines with other devices (motion sensors, buttons)

                    You can add a hub later and move the bulbs over without
                    resetting them.
                    """),
                comments=(
                    DemoComment(
                        "grace", 1, "That's exactly what I needed to know. Ordering two bulbs now."
                    ),
                ),
            ),
        ),
    ),
    DemoQuestion(
        language="en",
        author="daniel",
        category="local-api",
        days_ago=39.4,
        title="How do I switch a room on from a script with the hub's local API?",
        tags=("local-api", "hub", "python", "automation"),
        body=md("""
            I'd like a small script on my home server to turn on the hallway
            lights when the front door opens. I enabled **Settings › Hub ›
            Local API** and copied the token, but every request returns 401:

            ```console
            $ curl http://lumio-hub.local/api/v1/rooms
            {"error": "unauthorized", "detail": "missing or invalid token"}
            ```

            Where does the token go? The docs page only lists the endpoints.
            """),
        up=("alice", "bruno", "staff", "chloe"),
        comments=(
            DemoComment(
                "bruno",
                20,
                "Related: is there a rate limit? I'd like to read the state every second.",
                replies=(
                    DemoComment(
                        "alice",
                        3,
                        "10 requests a second per token, I believe. There's also a websocket "
                        "at `/api/v1/events`, so you don't need to poll at all.",
                    ),
                ),
            ),
        ),
        answers=(
            DemoAnswer(
                author="alice",
                hours=2,
                is_accepted=True,
                up=("daniel", "bruno", "staff", "grace"),
                body=md("""
                    The token goes in an `Authorization` header as a bearer
                    token, not in the query string. A minimal version with only
                    the standard library:

                    ```python
                    import json
                    import urllib.request

                    HUB = "http://lumio-hub.local/api/v1"
                    TOKEN = "paste-your-token-here"


                    def set_room(room_id: int, on: bool) -> None:
                        request = urllib.request.Request(
                            f"{HUB}/rooms/{room_id}/state",
                            data=json.dumps({"on": on}).encode(),
                            headers={
                                "Authorization": f"Bearer {TOKEN}",
                                "Content-Type": "application/json",
                            },
                            method="PUT",
                        )
                        with urllib.request.urlopen(request, timeout=5) as response:
                            print(response.status, response.read().decode())


                    set_room(3, True)
                    ```

                    `GET /rooms` with the same header lists the room ids. The
                    token belongs to the hub, so it keeps working when you
                    change your account password.
                    """),
                comments=(
                    DemoComment(
                        "daniel",
                        1,
                        "The header was it. The hallway now lights up about 300 ms after "
                        "the door sensor fires.",
                    ),
                ),
            ),
        ),
    ),
    DemoQuestion(
        language="en",
        author="emma",
        category="subscription",
        days_ago=36.2,
        title="What exactly do I lose if I cancel Lumio Plus?",
        tags=("subscription", "lumio-plus"),
        body=md("""
            My free year of **Lumio Plus** ends next month. Before deciding
            whether to pay, I'd like to know what stops working. I mostly use
            schedules and away mode, plus the odd voice command.
            """),
        up=("grace", "farid"),
        answers=(
            DemoAnswer(
                author="staff",
                hours=4,
                up=("emma", "grace", "daniel"),
                body=md("""
                    Nothing you set up gets deleted. Here is what changes:

                    | Feature | Free | Plus |
                    | --- | --- | --- |
                    | Schedules and scenes | yes | yes |
                    | Voice assistants | yes | yes |
                    | Away mode | random lights | learns your habits |
                    | Arrive/leave routines | one person | whole household |
                    | Activity history | 24 hours | 12 months |
                    | Energy reports | no | yes |

                    With schedules, voice and a basic away mode you'd be fine on
                    the free plan. You can restart Plus at any time, and your
                    history is kept for 90 days in case you change your mind.
                    """),
            ),
            DemoAnswer(
                author="alice",
                hours=30,
                up=("emma",),
                body=md("""
                    I dropped Plus after the trial and only missed the household
                    geofencing. With two people coming and going, *Leave home*
                    fired while my partner was still inside. Worth considering
                    if you share the house.
                    """),
            ),
        ),
    ),
    DemoQuestion(
        language="en",
        author="daniel",
        category="invoices",
        days_ago=33.7,
        title="Where can I download invoices for my Plus subscription?",
        tags=("invoices", "lumio-plus"),
        body=md("""
            My accountant wants a PDF invoice for every Lumio Plus payment this
            year. The receipt e-mails only show the amount, and I can't find an
            invoice section in the app. Is there one?
            """),
        up=("alice",),
        answers=(
            DemoAnswer(
                author="staff",
                hours=2,
                is_accepted=True,
                up=("daniel", "bruno"),
                body=md("""
                    Invoices live on the web account page rather than in the app:

                    1. Sign in at **account.lumio.example**.
                    2. Open **Billing › Invoices**.
                    3. Each payment has a **PDF** button; **Download all** gives
                       you a zip for the year.

                    If you need a company name or VAT number on them, add it
                    under **Billing › Details** first. Invoices are generated
                    when you download them, so older ones pick it up too.
                    """),
                comments=(
                    DemoComment(
                        "daniel",
                        1,
                        "Found them, and the VAT field was exactly what the accountant needed.",
                    ),
                ),
            ),
        ),
    ),
    DemoQuestion(
        language="en",
        author="grace",
        category="payments",
        days_ago=30.5,
        title="Card declined when renewing the yearly plan, but my bank saw nothing",
        tags=("payments", "subscription", "3d-secure"),
        body=md("""
            Lumio Plus tried to renew yesterday and I got an e-mail saying the
            payment was declined. My bank says they never saw an attempt. The
            card works everywhere else and it hasn't expired.

            The app now shows a banner *Update your payment method*, and
            retrying gives the same error.
            """),
        up=("emma", "hugo"),
        comments=(
            DemoComment(
                "emma",
                3,
                "Is it a card that needs approval in your banking app? Mine asks for "
                "every online payment.",
            ),
        ),
        answers=(
            DemoAnswer(
                author="staff",
                hours=6,
                up=("grace", "alice"),
                body=md("""
                    When the bank never sees the attempt, the payment stopped at
                    the **3-D Secure** step: the bank asked for confirmation and
                    the request expired before anyone approved it. Renewals run
                    at night, so nobody is there to tap "approve".

                    Retry from **account.lumio.example › Billing** with your
                    banking app open. I've paused the renewal for seven days, so
                    nothing stops working in the meantime.
                    """),
            ),
            DemoAnswer(
                author="alice",
                hours=9,
                is_accepted=True,
                up=("grace", "emma", "daniel"),
                body=md("""
                    Same thing happened to me. Two extra tips:

                    - Retrying from the **app** didn't work for me: the in-app
                      browser blocked the bank's pop-up. The website did it in
                      one go.
                    - Some banks let you mark a merchant as trusted once a
                      payment has gone through. After that, the nightly renewal
                      goes through without asking.
                    """),
                comments=(
                    DemoComment(
                        "grace",
                        2,
                        "The website worked, and Lumio is now a trusted merchant. Thanks both!",
                    ),
                ),
            ),
        ),
    ),
    DemoQuestion(
        language="en",
        author="alice",
        category="ios",
        days_ago=27.8,
        title="Home-screen widget stopped updating after the latest iOS update",
        tags=("ios", "widgets"),
        body=md("""
            Since updating my iPhone, the small Lumio widget shows the state
            from hours ago: lights I turned off in the evening still show as on
            the next morning. Tapping a button in the widget still works; only
            the display is stuck.

            - iPhone 13, latest iOS
            - Lumio app 3.8.2
            - Background App Refresh is **on** for Lumio
            """),
        up=("daniel", "emma", "grace"),
        comments=(
            DemoComment(
                "staff",
                30,
                "Thanks for the details. We can reproduce this and a fix is planned for "
                "app 3.9; I'll post here when it's out.",
            ),
        ),
        answers=(
            DemoAnswer(
                author="daniel",
                hours=8,
                up=("alice", "emma"),
                body=md("""
                    I had the same. Removing the widget and adding it again fixed
                    it for me: iOS seems to keep the old widget configuration
                    after a major update.

                    If that doesn't do it, check **Settings › Lumio › Background
                    App Refresh** again. Mine said "on", but Low Power Mode was
                    quietly blocking it.
                    """),
                comments=(
                    DemoComment(
                        "alice",
                        5,
                        "Re-adding the widget helped for a day, then it froze again. "
                        "I'll keep an eye on it.",
                    ),
                ),
            ),
        ),
    ),
    DemoQuestion(
        language="en",
        author="hugo",
        category="android",
        days_ago=18.3,
        title="Lumio app drains my battery in the background on a Pixel",
        tags=("android", "battery", "geofencing"),
        body=md("""
            Battery settings say the Lumio app used **14%** yesterday while I
            barely opened it. I didn't have this problem on my old phone. Is
            this normal? I use the *Turn on when I arrive* routine.
            """),
        up=("daniel",),
        comments=(
            DemoComment(
                "alice",
                1,
                "Which location permission did you give the app: *Allow all the time* "
                "or *Only while using*?",
                replies=(
                    DemoComment(
                        "hugo", 2, "All the time, otherwise the arrive routine never triggered."
                    ),
                ),
            ),
        ),
        answers=(
            DemoAnswer(
                author="alice",
                hours=4,
                is_accepted=True,
                up=("hugo", "daniel", "chloe"),
                body=md("""
                    Geofencing is what's costing you. Since 3.8 the app has two
                    modes, under **Settings › Routines › Location precision**:

                    - **Precise** checks GPS every few minutes. Quick to
                      trigger, heavy on the battery.
                    - **Balanced** uses Wi-Fi and cell towers, and only wakes
                      GPS when you're close to home.

                    Balanced is the default on new installs but not on phones
                    restored from a backup, which is probably what happened with
                    your new Pixel. On Balanced I use about 1-2% a day.
                    """),
                comments=(
                    DemoComment("hugo", 20, "It was on Precise. Switched, and 2% yesterday!"),
                ),
            ),
        ),
    ),
    DemoQuestion(
        language="en",
        author="hugo",
        category="shipping-returns",
        days_ago=15.1,
        title='Order stuck on "label created" for six days',
        tags=("shipping", "order-tracking"),
        body=md("""
            I ordered a starter kit last week. The tracking page has said
            **Label created** since the day after I ordered and nothing has
            moved since. The order number starts with LM-24. Should I worry?
            """),
        up=("grace",),
        comments=(
            DemoComment(
                "grace", 5, "Same here, also an LM-24 order. Good to know it's not just me."
            ),
        ),
        answers=(
            DemoAnswer(
                author="staff",
                hours=3,
                up=("hugo", "grace"),
                body=md("""
                    Sorry for the wait! *Label created* means the parcel was
                    packed, but the carrier hasn't scanned it yet. Last week the
                    carrier missed one collection from our warehouse, so a batch
                    of parcels left two days late and only gets its first scan at
                    the sorting centre.

                    I've checked your order: it was collected on Monday and
                    should arrive within two working days. If it doesn't, reply
                    here and we'll send a replacement straight away.
                    """),
                comments=(DemoComment("hugo", 30, "It arrived this morning, box intact. Thanks!"),),
            ),
        ),
    ),
    DemoQuestion(
        language="en",
        author="grace",
        category="shipping-returns",
        days_ago=12.4,
        title="Can I return an opened starter kit?",
        tags=("returns", "starter-kit", "bulbs"),
        body=md("""
            I bought the starter kit (hub and 3 bulbs), but it turns out my
            ceiling fittings are B22, not E27. I've already opened the box and
            paired the hub. Can I still return it, or swap the bulbs for B22
            ones?
            """),
        up=("emma",),
        answers=(
            DemoAnswer(
                author="staff",
                hours=2,
                is_accepted=True,
                up=("grace", "emma"),
                body=md("""
                    Yes: you have **30 days** from delivery to return or exchange,
                    opened or not. In your case an exchange is simplest:

                    1. Keep the hub; it works with either fitting.
                    2. Open **Orders › Return or exchange**, choose *Different
                       variant* and pick B22.
                    3. We send the B22 bulbs as soon as the carrier scans your
                       E27 ones.

                    Remove the E27 bulbs from your home in the app before posting
                    them, so the new ones don't end up in a phantom room.
                    """),
            ),
        ),
    ),
    DemoQuestion(
        language="en",
        author="alice",
        category="bulbs",
        days_ago=24.2,
        title="Two bulbs at the same colour temperature look noticeably different",
        tags=("bulbs", "colour-temperature", "firmware"),
        body=md("""
            I have two Glow bulbs in one floor lamp, both set to **2700 K** at
            80%. One is clearly more yellow than the other. I've swapped them
            between sockets and the difference follows the bulb.

            Both show the same model in the app. Is this within tolerance, or
            is one of them faulty?
            """),
        up=("daniel", "emma", "bruno", "grace"),
        answers=(
            DemoAnswer(
                author="daniel",
                hours=3,
                is_accepted=True,
                up=("alice", "bruno", "chloe", "emma", "staff"),
                body=md("""
                    Check the firmware of each bulb under **Device › About**.
                    Bulbs on firmware **1.9.x** use the old white calibration;
                    from **2.0** on, all Glow bulbs follow the same curve.

                    My guess is one of yours was made before the recalibration
                    and never updated, since bulbs only update at night while
                    switched on. Turn both on, open the bulb page and tap
                    **Update now**; afterwards they should match within a few
                    kelvin.
                    """),
                comments=(
                    DemoComment(
                        "alice",
                        4,
                        "One was on 1.9.4. Updated, and they're now indistinguishable. Thanks!",
                    ),
                ),
            ),
            DemoAnswer(
                author="emma",
                hours=10,
                up=("alice",),
                body=md("""
                    If updating doesn't help: the difference is much bigger
                    below 30% brightness. At 80% mine match after the update; at
                    10% they never quite do.
                    """),
            ),
            DemoAnswer(
                author="hugo",
                hours=40,
                down=("alice", "daniel"),
                body=md("""
                    Could it be the lampshade? Some fabrics tint the light quite
                    a lot, especially the cream-coloured ones.
                    """),
                comments=(
                    DemoComment(
                        "alice",
                        2,
                        "Both bulbs are under the same shade, and the difference follows "
                        "the bulb when I swap them.",
                    ),
                ),
            ),
        ),
    ),
    DemoQuestion(
        language="en",
        author="emma",
        category="hub",
        days_ago=21.6,
        title="Hub firmware update stuck at 63% for over an hour",
        tags=("firmware", "hub", "update"),
        body=md("""
            The app started the hub update to 2.15.0 and the progress bar has
            been at **63%** for more than an hour. The LED is blinking blue. I'm
            afraid to unplug it in case that bricks the hub.

            This is what the app's diagnostics screen shows:

            ```text
            [hub] ota: downloading image 2.15.0 (4.2 MB)
            [hub] ota: chunk 41/65 ok
            [hub] ota: chunk 42/65 timeout, retrying (3/3)
            [hub] ota: paused, waiting for network
            ```
            """),
        up=("alice", "daniel", "hugo"),
        comments=(
            DemoComment(
                "daniel",
                0.5,
                "Don't unplug it yet. Is the Wi-Fi signal near the hub any good?",
                replies=(
                    DemoComment(
                        "emma", 0.5, "It's in a cupboard behind the TV, so probably not great."
                    ),
                ),
            ),
        ),
        answers=(
            DemoAnswer(
                author="staff",
                hours=2,
                is_accepted=True,
                up=("emma", "daniel", "alice", "grace"),
                body=md("""
                    It's safe to unplug it. The hub downloads the whole image
                    before writing anything, and the log shows it's still
                    downloading, so the running firmware hasn't been touched.

                    1. Unplug the hub for 10 seconds and plug it back in.
                    2. If you can, move it out of the cupboard for the update.
                    3. The update resumes from chunk 42 by itself; there's no
                       need to start it again in the app.

                    Even if power is lost *while writing*, the hub keeps the
                    previous firmware in a second slot and boots from it, so an
                    interrupted update can't brick it.
                    """),
                comments=(
                    DemoComment(
                        "emma",
                        2,
                        "Moved it onto the shelf and it finished in five minutes. "
                        "Good to know about the second slot!",
                    ),
                ),
            ),
        ),
    ),
    DemoQuestion(
        language="en",
        author="hugo",
        category="setup",
        days_ago=6.2,
        title="New Glow Mini isn't found during pairing",
        tags=("setup", "pairing", "bulbs"),
        body=md("""
            I'm trying to add a Glow Mini (GU10) to my existing setup. The app
            searches for a minute, then says *No new devices found*. The bulb
            is pulsing slowly, so I think it's in pairing mode.

            I've tried:

            - resetting the bulb (5 times off and on)
            - standing right next to it with the phone
            - restarting the hub
            """),
        up=("grace",),
        comments=(
            DemoComment(
                "daniel",
                4,
                "Which hub firmware are you on? The Mini needs 2.14 or later, if I "
                "remember correctly.",
                replies=(
                    DemoComment(
                        "hugo", 6, "2.12.1, apparently, and the app doesn't offer an update. Odd."
                    ),
                ),
            ),
        ),
    ),
    DemoQuestion(
        language="en",
        author="grace",
        category="voice-assistants",
        days_ago=9.3,
        title='Voice assistant says "not responding" but the app works fine',
        tags=("voice-assistant", "integrations"),
        body=md("""
            When I ask my smart speaker to turn off the kitchen, it answers
            "Kitchen isn't responding", yet the lights do go off a second
            later. Through the Lumio app everything is instant.

            It started after I renamed the room from "Cuisine" to "Kitchen".
            """),
        up=("daniel", "emma"),
        answers=(
            DemoAnswer(
                author="daniel",
                hours=5,
                is_accepted=True,
                up=("grace", "emma"),
                body=md("""
                    Renaming a room in Lumio doesn't rename it on the
                    assistant's side, so you probably have *two* devices there
                    now: the old "Cuisine" one (gone, hence "not responding")
                    and the new "Kitchen" one.

                    Ask the assistant to **discover devices** again, then remove
                    the stale entry in the assistant's app. Nothing needs to be
                    reset on the Lumio side.
                    """),
                comments=(
                    DemoComment(
                        "grace",
                        3,
                        "There were indeed two kitchens in the speaker's app. "
                        "Removed the ghost one, no more error.",
                    ),
                ),
            ),
        ),
    ),
    DemoQuestion(
        language="en",
        author="emma",
        category="devices",
        days_ago=57.2,
        title="Can I cut the Lumio Strip and join the two pieces with a cable?",
        tags=("light-strip", "diy"),
        body=md("""
            I want to run a **Lumio Strip** along two sides of a kitchen
            cabinet, with a 40 cm gap at the corner. Can I cut it and bridge the
            gap with wire, or does cutting void the warranty or break the
            controller?
            """),
        up=("alice", "grace", "daniel"),
        answers=(
            DemoAnswer(
                author="alice",
                hours=6,
                is_accepted=True,
                up=("emma", "daniel", "grace", "staff"),
                body=md("""
                    You can cut it, but only at the marks: every **10 cm** there
                    is a line with a small scissors icon and four copper pads.
                    Cut anywhere else and that segment goes dark.

                    For the gap, the **Strip Connector (L-shape, 50 cm)**
                    accessory does exactly this with clips, no soldering. If
                    you'd rather solder, use 4-core wire and keep the pads in
                    the same order:

                    ```text
                    +24V   G   R   B
                    ```

                    Only the piece attached to the controller stays under
                    warranty once it's cut, so the off-cut is yours to play with.
                    """),
            ),
            DemoAnswer(
                author="grace",
                hours=30,
                down=("alice", "daniel", "staff"),
                body=md("""
                    You can cut it anywhere with ordinary scissors; each LED is
                    independent, so nothing bad happens to the rest.
                    """),
                comments=(
                    DemoComment(
                        "alice",
                        1,
                        "Careful: only at the cut marks every 10 cm. Cutting between them "
                        "kills that whole segment.",
                        replies=(
                            DemoComment(
                                "grace",
                                3,
                                "Oops, you're right, I was thinking of another strip. Sorry!",
                            ),
                        ),
                    ),
                ),
            ),
        ),
    ),
    DemoQuestion(
        language="en",
        author="daniel",
        category="mobile-app",
        days_ago=55.4,
        title="Sunrise routine triggers an hour late since the clock change",
        tags=("routines", "timezone", "hub"),
        body=md("""
            My *Wake up* routine fades the bedroom in from 6:30. Since the
            clocks changed on Sunday it starts at **7:30** instead. The routine
            still shows 6:30 in the app, and the hub's time zone is right
            (Europe/London).
            """),
        up=("alice", "emma", "bruno", "chloe", "staff"),
        answers=(
            DemoAnswer(
                author="staff",
                hours=7,
                is_accepted=True,
                up=("daniel", "alice", "emma", "bruno"),
                body=md("""
                    Thanks for the report, and sorry for the late mornings. This
                    is a bug in hub firmware **2.14.2**: routines created before
                    the change kept the old UTC offset instead of following the
                    time zone.

                    It's fixed in **2.14.3**, which is rolling out now. To get it
                    right away:

                    1. Open **Settings › Hub › Firmware** and tap **Check for
                       updates**.
                    2. After the update, open the routine and save it once
                       without changing anything.

                    Saving it again stores the time as local time, so it follows
                    future clock changes by itself.
                    """),
                comments=(
                    DemoComment(
                        "daniel",
                        14,
                        "Updated and saved again; the lights came on at 6:30 this morning.",
                    ),
                ),
            ),
        ),
    ),
    DemoQuestion(
        language="en",
        author="alice",
        category="account-billing",
        days_ago=14.3,
        title="How do I move my home to a new account without pairing everything again?",
        tags=("account", "sharing"),
        body=md("""
            The home was set up with my old work e-mail address, which I'm about
            to lose. Is there a way to move the home (hub, 23 bulbs, routines)
            to an account with my personal address, without resetting every
            bulb?
            """),
        up=("daniel", "chloe", "emma"),
        answers=(
            DemoAnswer(
                author="staff",
                hours=5,
                is_accepted=True,
                up=("alice", "daniel"),
                body=md("""
                    You don't need a new account: change the address of the one
                    you have under **Account › Profile › E-mail**. We send a
                    confirmation to the new address and everything else stays.

                    If you do want a *separate* account, for example to hand the
                    house over to someone:

                    1. Invite the new account under **Home › Members** as an
                       **Owner**.
                    2. Accept the invitation from the new account.
                    3. From the new account, remove the old one.

                    The hub, bulbs and routines belong to the home, not to a
                    person, so nothing needs pairing again.
                    """),
                comments=(
                    DemoComment("alice", 2, "Changing the address is much simpler. Done, thanks!"),
                ),
            ),
        ),
    ),
    DemoQuestion(
        language="en",
        author="grace",
        category="integrations",
        days_ago=3.4,
        title="Does the hub support Matter yet?",
        tags=("matter", "hub", "integrations"),
        body=md("""
            I'm starting to mix brands at home, and most new devices mention
            **Matter**. Can the Lumio Hub share my bulbs with other Matter
            controllers, or is that planned for a future hub?
            """),
        up=("daniel", "alice", "emma", "hugo"),
        comments=(
            DemoComment(
                "alice",
                4,
                "Last I heard it was in beta for hubs whose serial starts with LH2. "
                "An official word would be great.",
            ),
        ),
    ),
    DemoQuestion(
        language="en",
        author="daniel",
        category="subscription",
        days_ago=1.2,
        title="Can I export energy usage history as CSV?",
        tags=("energy", "export", "lumio-plus", "local-api"),
        body=md("""
            Lumio Plus shows nice energy charts per room, but I'd like the raw
            numbers to combine with my electricity meter readings. Is there an
            export, or an API endpoint for the history?

            Ideally something like:

            ```text
            timestamp,room,watt_hours
            2025-03-01T00:00:00Z,Living room,42.5
            2025-03-01T01:00:00Z,Living room,3.1
            ```
            """),
        up=("alice",),
    ),
    # --- Français ----------------------------------------------------------
    DemoQuestion(
        language="fr",
        author="bruno",
        category="invoices",
        days_ago=58.5,
        title="Comment obtenir une facture au nom de ma société ?",
        tags=("facturation", "entreprise", "tva"),
        body=md("""
            J'ai équipé les bureaux de mon agence avec une vingtaine d'ampoules
            Glow et un hub. Les factures sont à mon nom personnel ; mon
            comptable a besoin de la raison sociale et du numéro de TVA
            intracommunautaire. Est-ce possible de les modifier après coup ?
            """),
        up=("chloe", "farid", "staff"),
        answers=(
            DemoAnswer(
                author="staff",
                hours=3,
                is_accepted=True,
                up=("bruno", "chloe"),
                body=md("""
                    Bonjour Bruno,

                    Oui, y compris pour les commandes passées :

                    1. Connectez-vous sur **account.lumio.example**.
                    2. Dans **Facturation › Coordonnées**, renseignez la raison
                       sociale, l'adresse du siège et le numéro de TVA.
                    3. Téléchargez de nouveau les factures depuis **Facturation ›
                       Factures** : elles sont générées à la demande et portent
                       donc les nouvelles informations.
                    """),
                comments=(
                    DemoComment(
                        "bruno", 2, "Parfait, mon comptable a tout ce qu'il lui faut. Merci Léa !"
                    ),
                ),
            ),
        ),
    ),
    DemoQuestion(
        language="fr",
        author="farid",
        category="payments",
        days_ago=11.2,
        title="Prélevé deux fois pour l'abonnement Lumio Plus ce mois-ci",
        tags=("paiement", "abonnement", "remboursement"),
        body=md("""
            Sur mon relevé bancaire, je vois **deux prélèvements de 3,99 €** à
            la même date pour Lumio Plus. Je n'ai qu'un seul compte et un seul
            foyer. Comment me faire rembourser le doublon ?
            """),
        up=("chloe", "bruno"),
        comments=(
            DemoComment(
                "bruno",
                2,
                "Vérifie que l'un des deux n'est pas une simple autorisation : elles "
                "disparaissent souvent au bout de quelques jours.",
                replies=(
                    DemoComment("farid", 4, "Les deux sont marqués « débité », malheureusement."),
                ),
            ),
        ),
        answers=(
            DemoAnswer(
                author="staff",
                hours=6,
                is_accepted=True,
                up=("farid", "bruno"),
                body=md("""
                    Bonjour Farid,

                    Désolée pour ce doublon. Un incident chez notre prestataire
                    de paiement a débité deux fois une partie des
                    renouvellements le 3 du mois. Le second prélèvement vous a
                    été remboursé ce matin ; selon votre banque, comptez **3 à 5
                    jours ouvrés** pour le voir apparaître.

                    Vous recevrez aussi un e-mail avec la référence du
                    remboursement.
                    """),
            ),
        ),
    ),
    DemoQuestion(
        language="fr",
        author="chloe",
        category="bulbs",
        days_ago=50.2,
        title="Mes ampoules s'allument toutes seules au milieu de la nuit",
        tags=("ampoules", "routines"),
        body=md("""
            Depuis quelques jours, les ampoules du salon s'allument vers 2 h du
            matin pendant une vingtaine de minutes, puis s'éteignent. Je n'ai
            créé aucune routine à cette heure-là.

            - 3 ampoules Glow et un hub
            - personne d'autre n'a accès à l'application
            """),
        up=("bruno", "farid", "alice"),
        comments=(
            DemoComment(
                "farid",
                5,
                "Un fantôme, ou une mise à jour du firmware en pleine nuit ?",
                replies=(
                    DemoComment(
                        "chloe",
                        1,
                        "Pas de fantôme à ma connaissance, et l'historique ne montre "
                        "aucune mise à jour.",
                    ),
                ),
            ),
        ),
        answers=(
            DemoAnswer(
                author="bruno",
                hours=4,
                is_accepted=True,
                up=("chloe", "farid", "staff", "alice"),
                body=md("""
                    Regarde du côté du **mode absence** : avec l'option
                    *Simulation de présence*, le hub allume des lampes au hasard
                    le soir… et la nuit si la plage horaire n'est pas limitée.

                    Dans **Routines › Mode absence › Horaires**, la valeur par
                    défaut est « du coucher du soleil à l'aube ». Mets plutôt
                    une plage du type 19 h – 23 h.

                    Le mode se déclenche aussi tout seul si le géorepérage croit
                    que tout le monde est parti, par exemple quand ton téléphone
                    a perdu la localisation.
                    """),
                comments=(
                    DemoComment(
                        "chloe",
                        3,
                        "C'était ça ! La localisation de mon téléphone était coupée, "
                        "le hub me croyait en vacances.",
                    ),
                ),
            ),
            DemoAnswer(
                author="staff",
                hours=20,
                up=("chloe", "bruno"),
                body=md("""
                    Merci Bruno pour l'explication. Pour information, la version
                    3.9 de l'application affichera une notification quand le
                    mode absence s'active tout seul, pour éviter ce genre de
                    surprise.
                    """),
            ),
        ),
    ),
    DemoQuestion(
        language="fr",
        author="farid",
        category="setup",
        days_ago=35.3,
        title="Le hub ne se connecte pas au Wi-Fi de ma box en 5 GHz",
        tags=("hub", "wifi", "installation"),
        body=md("""
            Lors de l'installation, le hub ne voit pas mon réseau. Ma box
            diffuse un seul nom de réseau pour le 2,4 GHz et le 5 GHz. Le
            téléphone est bien connecté dessus.

            Le voyant du hub clignote en orange. Faut-il une box spéciale ?
            """),
        up=("bruno", "chloe", "staff"),
        comments=(
            DemoComment(
                "staff",
                16,
                "Farid, pour remercier, un vote ou la coche verte suffisent : j'ai "
                "retiré la réponse « merci » pour garder le fil lisible.",
            ),
        ),
        answers=(
            DemoAnswer(
                author="bruno",
                hours=2,
                is_accepted=True,
                up=("farid", "chloe", "staff"),
                body=md("""
                    Le hub ne fonctionne qu'en **2,4 GHz** (meilleure portée à
                    travers les murs). Avec un nom de réseau unique, certaines
                    box ne lui proposent que le 5 GHz pendant l'appairage.

                    Le plus simple :

                    1. Dans l'interface de la box, désactive temporairement
                       l'option « Wi-Fi unifié » pour séparer les deux bandes.
                    2. Connecte le téléphone **et** le hub au réseau 2,4 GHz.
                    3. Une fois le hub installé, réactive le Wi-Fi unifié : le
                       hub restera sur le 2,4 GHz.
                    """),
            ),
            DemoAnswer(
                author="chloe",
                hours=9,
                up=("farid",),
                body=md("""
                    Autre possibilité si tu ne veux pas toucher à la box :
                    branche le hub en **Ethernet**, il y a un port à l'arrière.
                    C'est ce que j'ai fait, et il est bien plus stable.
                    """),
            ),
            DemoAnswer(
                author="farid",
                hours=12,
                deleted_by="staff",
                body="Merci Bruno, désactiver le Wi-Fi unifié a suffi, le hub est en ligne !",
            ),
        ),
    ),
    DemoQuestion(
        language="fr",
        author="chloe",
        category="android",
        days_ago=8.4,
        title="L'application plante au démarrage sur Android 14",
        tags=("android", "plantage", "widgets"),
        body=md("""
            Depuis la mise à jour 3.9.0, l'application se ferme dès l'écran de
            démarrage. J'ai vidé le cache et réinstallé, sans effet. Voici le
            rapport de plantage :

            ```text
            java.lang.IllegalStateException: Widget provider not ready
                at com.lumio.app.widgets.RoomWidget.onUpdate(RoomWidget.kt:88)
                at com.lumio.app.MainActivity.onCreate(MainActivity.kt:41)
            ```

            Téléphone sous Android 14, application 3.9.0.
            """),
        up=("bruno", "staff", "farid"),
        answers=(
            DemoAnswer(
                author="staff",
                hours=3,
                up=("chloe", "bruno", "farid"),
                body=md("""
                    Merci pour le rapport, il nous a fait gagner beaucoup de
                    temps. Le plantage vient du widget « Pièce » : s'il est sur
                    l'écran d'accueil pendant la mise à jour, l'application
                    échoue au démarrage.

                    En attendant la version **3.9.1** (en cours de validation) :

                    1. retirez le widget Lumio de l'écran d'accueil ;
                    2. ouvrez l'application, elle démarre normalement ;
                    3. remettez le widget après la mise à jour 3.9.1.
                    """),
                comments=(
                    DemoComment(
                        "chloe",
                        1,
                        "Widget retiré, l'application démarre. "
                        "J'attends la 3.9.1 pour le remettre.",
                    ),
                ),
            ),
        ),
    ),
    DemoQuestion(
        language="fr",
        author="farid",
        category="bulbs",
        days_ago=26.1,
        title="Quelle ampoule choisir pour un plafonnier fermé ?",
        tags=("ampoules", "installation"),
        body=md("""
            J'ai un plafonnier en verre complètement fermé dans la salle de
            bain. J'ai lu que certaines ampoules connectées n'aiment pas la
            chaleur. La Glow classique convient-elle, ou faut-il un autre
            modèle ?
            """),
        up=("chloe",),
        answers=(
            DemoAnswer(
                author="chloe",
                hours=10,
                up=("farid", "bruno"),
                body=md("""
                    La notice de la Glow indique qu'elle supporte les luminaires
                    fermés jusqu'à **45 °C** ambiants. Dans une salle de bain ça
                    passe en général, sauf juste au-dessus de la douche.

                    Deux remarques :

                    - le verre atténue un peu le signal, garde le hub pas trop
                      loin ;
                    - pour une pièce humide, vérifie surtout l'indice de
                      protection du **luminaire** (IP44 au minimum près de la
                      douche) : c'est lui qui protège l'ampoule.
                    """),
                comments=(
                    DemoComment(
                        "staff",
                        6,
                        "Je confirme : 45 °C en luminaire fermé, c'est bien la valeur testée.",
                    ),
                ),
            ),
        ),
    ),
    DemoQuestion(
        language="fr",
        author="bruno",
        category="shipping-returns",
        days_ago=42.3,
        title="Livrez-vous en Belgique et en Suisse ?",
        tags=("livraison", "international"),
        body=md("""
            J'aimerais offrir un kit de démarrage à ma sœur, qui habite à
            Bruxelles, et peut-être un autre à un ami à Genève. La boutique ne
            propose que la France dans la liste des pays. Est-ce prévu ?
            """),
        up=("farid", "chloe"),
        answers=(
            DemoAnswer(
                author="staff",
                hours=4,
                is_accepted=True,
                up=("bruno", "chloe", "farid"),
                body=md("""
                    Bonjour Bruno,

                    - **Belgique** : oui, depuis ce mois-ci ! Choisissez le pays
                      *avant* d'ajouter le kit au panier, avec le sélecteur en
                      bas de page. Livraison en 3 à 4 jours ouvrés.
                    - **Suisse** : pas encore, à cause des formalités de douane.
                      C'est prévu, mais je n'ai pas de date à vous donner.
                    """),
                comments=(
                    DemoComment(
                        "bruno",
                        6,
                        "Commande pour Bruxelles passée, merci ! J'attendrai pour Genève.",
                    ),
                ),
            ),
        ),
    ),
    DemoQuestion(
        language="fr",
        author="chloe",
        category="ios",
        days_ago=2.3,
        title="Plus aucune notification de l'application sur iPhone",
        tags=("ios", "notifications"),
        body=md("""
            Depuis une semaine, je ne reçois plus les notifications (porte
            ouverte, mode absence activé…). Elles sont bien autorisées dans les
            réglages de l'iPhone et dans l'application. Quelqu'un a le même
            problème ?
            """),
        up=("farid",),
        comments=(
            DemoComment(
                "bruno",
                6,
                "Tu as un mode Concentration actif ? Il peut filtrer les notifications "
                "application par application.",
            ),
        ),
    ),
    DemoQuestion(
        language="fr",
        author="farid",
        category="subscription",
        days_ago=40.2,
        title="Comment résilier Lumio Plus avant la fin de l'essai gratuit ?",
        tags=("abonnement", "lumio-plus", "resiliation"),
        body=md("""
            J'ai activé l'essai gratuit d'un mois de Lumio Plus, mais je ne suis
            pas sûr de vouloir payer ensuite. Si je résilie maintenant, est-ce
            que je perds tout de suite les fonctions de l'essai ?
            """),
        up=("chloe", "bruno"),
        answers=(
            DemoAnswer(
                author="staff",
                hours=2,
                is_accepted=True,
                up=("farid", "chloe"),
                body=md("""
                    Non : si vous résiliez pendant l'essai, vous gardez Lumio
                    Plus **jusqu'à la fin du mois d'essai**, et rien n'est
                    prélevé.

                    Pour résilier :

                    - **Android** : Google Play › Abonnements › Lumio Plus ;
                    - **iPhone** : Réglages › votre nom › Abonnements ;
                    - **site web** : account.lumio.example › Facturation.

                    Résiliez là où vous avez souscrit : une résiliation sur le
                    site n'arrête pas un abonnement pris via l'App Store.
                    """),
            ),
        ),
    ),
    DemoQuestion(
        language="fr",
        author="bruno",
        category="local-api",
        days_ago=20.4,
        title="Récupérer l'état des lampes en JSON avec l'API locale",
        tags=("local-api", "json", "hub"),
        body=md("""
            Je voudrais afficher l'état des lampes du bureau sur un petit écran.
            Avec l'API locale, j'obtiens bien la liste des pièces, mais pas la
            luminosité de chaque ampoule :

            ```console
            $ curl -H "Authorization: Bearer $TOKEN" http://lumio-hub.local/api/v1/rooms/2
            {"id": 2, "name": "Bureau", "on": true, "lights": [11, 12, 13]}
            ```
            """),
        up=("daniel", "alice", "chloe"),
        comments=(
            DemoComment(
                "daniel",
                3,
                "Not sure about the French docs, but the English ones mention an "
                "`expand` parameter on `/rooms`.",
                replies=(DemoComment("bruno", 20, "Merci Daniel, c'était la bonne piste !"),),
            ),
        ),
        answers=(
            DemoAnswer(
                author="bruno",
                hours=26,
                is_accepted=True,
                up=("daniel", "chloe"),
                body=md("""
                    Trouvé grâce à Daniel : il suffit d'ajouter `?expand=lights`.

                    ```console
                    $ curl -H "Authorization: Bearer $TOKEN" \\
                        "http://lumio-hub.local/api/v1/rooms/2?expand=lights"
                    {"id": 2, "name": "Bureau", "on": true, "lights": [
                      {"id": 11, "on": true, "brightness": 80, "kelvin": 3000},
                      {"id": 12, "on": true, "brightness": 80, "kelvin": 3000},
                      {"id": 13, "on": false, "brightness": 0, "kelvin": 3000}
                    ]}
                    ```

                    Une seule requête pour toute la pièce : parfait pour
                    rafraîchir l'écran toutes les secondes.
                    """),
            ),
        ),
    ),
)


@dataclass(frozen=True)
class DemoSummary:
    users: int
    questions: int
    answers: int
    comments: int
    votes: int


PROTECTED_TITLE = "Hub shows offline in the app but its LED is solid white"
FLAGGED_ANSWER_TO = "Hub firmware update stuck at 63% for over an hour"


class _Loader:
    """Create the demo through the services, then date it into the past."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.users: dict[str, User] = {}
        self.joined: dict[str, datetime] = {}
        self.categories: dict[str, Category] = {}
        self.tag_dates: dict[str, datetime] = {}
        self.answers = self.comments = self.votes = 0
        # Hashed once for everyone: a slow hasher per user would add seconds to `make run`.
        self.password = make_password(DEMO_PASSWORD)

    def at(self, moment: datetime) -> datetime:
        # Content written "hours later" must never land in the future.
        return min(moment, self.now - timedelta(minutes=1))

    def load(self) -> DemoSummary:
        for user in USERS:
            self.add_user(user)
        for category in CATEGORIES:
            self.add_category(category, parent=None)
        # The site's staff set up the tags, as creating tags is a privilege.
        for name in sorted({name for question in QUESTIONS for name in question.tags}):
            Tag.objects.get_or_create(name=name)
        for question in QUESTIONS:
            self.add_question(question)
        self.date_tags()
        self.moderate()
        return DemoSummary(
            users=len(self.users),
            questions=len(QUESTIONS),
            answers=self.answers,
            comments=self.comments,
            votes=self.votes,
        )

    def add_user(self, spec: DemoUser) -> None:
        joined = self.now - timedelta(days=spec.joined_days_ago)
        user = User.objects.create(
            username=spec.username,
            email=f"{spec.username}@demo.lumio.example",
            password=self.password,
            display_name=spec.display_name,
            is_staff=spec.is_staff,
            preferred_language=spec.language,
            date_joined=joined,
        )
        # Their past, as one ledger entry dated when they joined; votes and
        # acceptances below add what the demo threads earn them.
        event = reputation_import(user_id=user.pk, reputation=spec.reputation, key="demo")
        if event is not None:
            ReputationEvent.objects.filter(pk=event.pk).update(created_at=joined)
        user.refresh_from_db(fields=["reputation"])
        email_mark_verified(user=user)
        policies_accept(user=user)
        self.users[spec.username] = user
        self.joined[spec.username] = joined

    def add_category(self, spec: DemoCategory, *, parent: Category | None) -> None:
        category, _ = Category.objects.get_or_create(
            slug=spec.slug,
            defaults={"name": spec.name, "description": spec.description, "parent": parent},
        )
        self.categories[spec.slug] = category
        for child in spec.children:
            self.add_category(child, parent=category)

    def add_question(self, spec: DemoQuestion) -> None:
        asked_at = self.at(self.now - timedelta(days=spec.days_ago))
        question = services.question_ask(
            author=self.users[spec.author],
            title=spec.title,
            body=spec.body,
            tags=spec.tags,
            category=self.categories[spec.category],
        )
        for name in spec.tags:
            self.tag_dates[name] = min(asked_at, self.tag_dates.get(name, asked_at))
        self.add_comments(question, spec.comments, after=asked_at)
        self.add_votes(question, up=spec.up, down=spec.down, after=asked_at)
        last_activity = asked_at
        for answer_spec in spec.answers:
            answered_at = self.add_answer(question, answer_spec, asked_at=asked_at)
            last_activity = max(last_activity, answered_at)
        # A view count that grows with age and attention, so "views" looks real.
        views = 8 + int(spec.days_ago * 3) + 11 * (len(spec.up) + len(spec.down))
        Post.objects.filter(pk=question.pk).update(
            created_at=asked_at,
            last_activity_at=last_activity,
            view_count=views + 7 * len(spec.answers),
        )

    def add_answer(self, question: Post, spec: DemoAnswer, *, asked_at: datetime) -> datetime:
        answered_at = self.at(asked_at + timedelta(hours=spec.hours))
        answer = services.answer_post(
            author=self.users[spec.author], question=question, body=spec.body
        )
        self.answers += 1
        Post.objects.filter(pk=answer.pk).update(
            created_at=answered_at, last_activity_at=answered_at
        )
        self.add_comments(answer, spec.comments, after=answered_at)
        self.add_votes(answer, up=spec.up, down=spec.down, after=answered_at)
        if spec.is_accepted:
            accepted = services.answer_accept(user=question.author, answer=answer)
            # The asker accepts a few hours after the answer, not at seed time.
            accepted_at = self.at(answered_at + timedelta(hours=3))
            ReputationEvent.objects.filter(key=accept_key(accepted)).update(created_at=accepted_at)
            Post.objects.filter(pk=question.pk).update(accepted_at=accepted_at)
        if spec.deleted_by:
            services.post_delete(user=self.users[spec.deleted_by], post=answer)
            deleted_at = self.at(answered_at + timedelta(hours=2))
            Post.objects.filter(pk=answer.pk).update(deleted_at=deleted_at)
            ReputationEvent.objects.filter(post=answer, reason=Reason.POST_DELETED).update(
                created_at=deleted_at
            )
        return answered_at

    def add_comments(
        self,
        post: Post,
        specs: tuple[DemoComment, ...],
        *,
        after: datetime,
        parent: Comment | None = None,
    ) -> None:
        for spec in specs:
            written_at = self.at(after + timedelta(hours=spec.hours))
            comment = services.comment_add(
                author=self.users[spec.author], post=post, body=spec.body, parent=parent
            )
            self.comments += 1
            Comment.objects.filter(pk=comment.pk).update(created_at=written_at)
            self.add_comments(post, spec.replies, after=written_at, parent=comment)

    def add_votes(
        self, post: Post, *, up: tuple[str, ...], down: tuple[str, ...], after: datetime
    ) -> None:
        ballots = [(name, 1) for name in up] + [(name, -1) for name in down]
        for index, (name, value) in enumerate(ballots):
            voter = self.users[name]
            services.vote_cast(voter=voter, post=post, value=value)
            self.votes += 1
            # Votes trickle in over the following hours, never before the voter joined.
            cast_at = self.at(max(after, self.joined[name]) + timedelta(hours=2 + 5 * index))
            vote = Vote.objects.get(user=voter, post=post)
            Vote.objects.filter(pk=vote.pk).update(created_at=cast_at)
            ReputationEvent.objects.filter(key=vote_key(vote.pk)).update(created_at=cast_at)

    def moderate(self) -> None:
        """A little moderation, so the moderator pages have something to show
        (every member's first post is already waiting in "first posts")."""
        staff = self.users["staff"]
        popular = Post.objects.get(title=PROTECTED_TITLE)
        moderation.question_protect(
            user=staff, question=popular, reason="Attracts “me too” answers from new accounts"
        )
        flagger = self.users["grace"]
        answer = (
            Post.objects.answers()
            .visible()
            .exclude(author=flagger)
            .filter(parent__title=FLAGGED_ANSWER_TO)
            .order_by("pk")
            .first()
        )
        if answer is not None:
            moderation.flag_create(
                flagger=flagger,
                post=answer,
                reason="needs_attention",
                text="Does this still apply since the last firmware update? The menu moved.",
            )

    def date_tags(self) -> None:
        for name, first_used in self.tag_dates.items():
            # Only tags this run created: an existing tag keeps its own history.
            Tag.objects.filter(name=name, created_at__gte=self.now).update(created_at=first_used)
        for name, excerpt in TAG_EXCERPTS.items():
            Tag.objects.filter(name=name, excerpt="").update(excerpt=excerpt)


def demo_is_loaded() -> bool:
    return User.objects.filter(username=MARKER_USERNAME).exists()


@transaction.atomic
def demo_seed() -> DemoSummary | None:
    """Load the Lumio demo community, or return None when it is already there.

    All or nothing: one transaction, so a failure leaves no half-built demo.
    """
    if demo_is_loaded():
        return None
    return _Loader(timezone.now()).load()
