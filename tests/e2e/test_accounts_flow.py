"""Accounts and privacy in a real browser: sign up with e-mail verification,
edit the profile and picture, download one's data, delete the account."""

import json
import re
import zipfile

import pytest
from PIL import Image
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.conftest import log_in, screenshot, sign_up

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-and-unusual-passphrase"


@pytest.fixture
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    return tmp_path


def _csp_violations(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def test_sign_up_profile_export_and_delete(page, live_server, storage, tmp_path) -> None:
    violations = _csp_violations(page)
    page.goto(f"{live_server.url}/accounts/signup/")
    screenshot(page, "sign-up")
    sign_up(page, live_server, "camille", "camille@example.com", PASSWORD)
    expect(page.locator(".user-nav")).to_contain_text("camille")

    # Profile: text and an uploaded picture.
    page.click("text=Settings")
    page.fill("#id_display_name", "Camille Dupont")
    page.fill("#id_about", "I fix **lamps** for a living.")
    page.fill("#id_location", "Lyon")
    page.fill("#id_website", "https://camille.example.org")
    page.click("text=Save profile")
    expect(page.locator(".messages")).to_contain_text("Your profile is saved")
    picture = tmp_path / "me.jpg"
    Image.new("RGB", (640, 480), (30, 140, 200)).save(picture, format="JPEG")
    page.set_input_files("#id_avatar", str(picture))
    page.click("text=Upload")
    expect(page.locator(".messages")).to_contain_text("Your new picture is saved")
    screenshot(page, "profile-edit")
    page.click(".user-nav a.me")
    expect(page.locator(".profile-head h1")).to_have_text("Camille Dupont")
    expect(page.locator(".about strong")).to_have_text("lamps")
    assert page.eval_on_selector(".profile-head img.avatar", "img => img.naturalWidth") == 256
    screenshot(page, "profile")

    # Export: the archive downloads with the profile in it.
    page.goto(f"{live_server.url}/accounts/privacy/")
    page.click("text=Prepare my archive")
    expect(page.locator(".messages")).to_contain_text("ready to download")
    screenshot(page, "privacy-settings")
    with page.expect_download() as download_info:
        page.click(".exports a")
    with zipfile.ZipFile(download_info.value.path()) as archive:
        data = json.loads(archive.read("personal-data.json"))
        assert "avatar.png" in archive.namelist()
    assert data["account"]["display_name"] == "Camille Dupont"

    # Delete: logged out at once; logging in again offers to cancel.
    page.click("text=Delete my account")
    expect(page.locator(".messages")).to_contain_text("will be deleted on")
    expect(page.locator(".user-nav")).to_contain_text("Log in")
    log_in(page, live_server, "camille", PASSWORD)
    expect(page.locator(".messages")).to_contain_text("scheduled for deletion")
    page.goto(f"{live_server.url}/accounts/privacy/")
    page.click("text=Keep my account")
    expect(page.locator(".messages")).to_contain_text("will not be deleted")
    assert User.objects.get(username="camille").erased_at is None
    assert violations == []


def test_locked_out_after_repeated_failures(page, live_server) -> None:
    from tests.factories import UserFactory

    UserFactory(username="dominique", password=PASSWORD)
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(6):
        page.fill("#id_login", "dominique")
        page.fill("#id_password", "not-the-password")
        page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("this account is locked for 15 minutes")
    screenshot(page, "login-locked")
    assert re.search(r"/accounts/login/", page.url)


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_api_docs_run_under_the_content_security_policy(page, live_server, path) -> None:
    violations = _csp_violations(page)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("networkidle")
    expect(page.locator("body")).to_contain_text("Entraide")
    # Redoc's bundle asks for its logo from its vendor's CDN; the policy
    # blocks it, so nothing leaves the site. Scripts and styles all run.
    assert [v for v in violations if "Loading the image 'https://cdn.redoc.ly/" not in v] == []
