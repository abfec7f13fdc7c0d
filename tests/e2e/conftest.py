"""Browser tests: Playwright driving Debian's Chromium against a live server.

Playwright's sync API runs an event loop in the test thread; the ORM calls the
tests make to set up data are plain synchronous code, hence the flag below.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"


def _chromium() -> str | None:
    return os.environ.get("CHROMIUM_BIN") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    path = _chromium()
    if path is None:
        pytest.skip("Chromium is not installed (make test installs it: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Pictures of failures from an earlier run would mislead a reviewer.
    for stale in SCREENSHOTS.glob("FAILED-*.png"):
        stale.unlink()

    with sync_playwright() as playwright:
        # A fresh temporary profile per launch; nothing reaches the network.
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, request) -> Iterator[object]:
    """Open a page in a fresh context (a locale of its own, a second member);
    every page opened is photographed if the test fails."""
    contexts = []

    def open_page(locale: str = "en-GB") -> object:
        context = browser.new_context(locale=locale, viewport={"width": 1200, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    failed = getattr(request.node, "rep_call", None)
    for number, context in enumerate(contexts):
        if failed is not None and failed.failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            for other, page in enumerate(context.pages):
                suffix = f"-{number}.{other}" if number or other else ""
                name = f"FAILED-{request.node.name}{suffix}"
                page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        context.close()


@pytest.fixture
def page(new_page) -> object:
    return new_page()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def axe_script() -> str:
    """axe-core's file, pinned and checked by scripts/ensure-axe (installed when missing)."""
    script = Path(settings.BASE_DIR) / "scripts" / "ensure-axe"
    found = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False
    ).stdout.strip()
    if not found:
        pytest.skip("axe-core is not installed (make test installs it with npm)")
    return found


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """Run axe-core on the page (injected beforehand with ``add_init_script``);
    one line per violation of the given impacts, naming the elements."""
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
            }));
        }"""
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} — {', '.join(v['targets'])}"
        for v in violations
        if v["impact"] in impacts
    ]


def screenshot(page, name: str) -> None:
    """Keep a picture of a main page for reviewers (var/screenshots/)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page, live_server, username: str, password: str) -> None:
    """Log in through the site's form (username or e-mail in the "login" field)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def sign_up(page, live_server, username: str, email: str, password: str) -> None:
    """Sign up and follow the verification link from the e-mail (Django's test outbox)."""
    import re

    from django.core import mail

    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("#id_username", username)
    page.fill("#id_email", email)
    page.fill("#id_password1", password)
    page.fill("#id_password2", password)
    page.check("#id_accept_policies")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/accounts/confirm-email/$"))
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", str(mail.outbox[-1].body))
    assert link, mail.outbox[-1].body
    page.goto(live_server.url + link.group(1))
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/confirm-email/" not in url)


@pytest.fixture
def help_centre(live_server):
    """The stand-in help centre (``embed.demo``) on its own port: another
    origin than the live server, as a customer's help centre is. Configure
    it with the site, a key and a card, then open ``help_centre.origin``."""
    from embed.demo import DemoServer

    server = DemoServer(0)
    server.start()
    yield server
    server.shutdown()
    server.server_close()
