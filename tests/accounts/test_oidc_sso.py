"""Single sign-on against a real OpenID Connect provider, no mocks.

django-oauth-toolkit's provider runs in its own process (tests/accounts/
oidc_provider) on a free port; the site is configured through the same
``OIDC_*`` settings as in production. The customer logs in at the provider,
the provider sends them back with a code, and the site exchanges it over HTTP
(token endpoint, JWKS, userinfo), then creates or finds the member.
"""

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from accounts.models import User
from entraide.settings import oidc_providers

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID, SECRET = "entraide-site", "a-client-secret-for-tests"
CALLBACK = "http://testserver/accounts/oidc/sso/login/callback/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The provider's issuer URL, once it answers its discovery document."""
    port = _free_port()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issuer = f"http://127.0.0.1:{port}/o"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.accounts.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(tmp_path_factory.mktemp("oidc") / "provider.sqlite3"),
        "OIDC_PROVIDER_ISSUER": issuer,
        "OIDC_PROVIDER_KEY": key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        "PYTHONPATH": str(ROOT),
    }
    setup = [sys.executable, "-m", "tests.accounts.oidc_provider.prepare", CLIENT_ID, SECRET]
    subprocess.run([*setup, CALLBACK], env=env, cwd=ROOT, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail("the OpenID Connect provider did not start")
            time.sleep(0.3)
        yield issuer
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def sso(settings, provider: str) -> str:
    settings.SOCIALACCOUNT_PROVIDERS = oidc_providers(
        {"OIDC_SERVER_URL": provider, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": SECRET}
    )
    return provider


def _log_in_at_the_provider(client, provider: str, **form: str) -> None:
    """Start at the site, log in at the provider as the customer, come back."""
    start = client.post("/accounts/oidc/sso/login/", form)
    assert start.status_code == 302 and start["Location"].startswith(provider), start
    browser = requests.Session()
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(provider))
    page = browser.get(f"{origin}/login/", timeout=10)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found, page.text
    token = found.group(1)
    logged_in = browser.post(
        f"{origin}/login/",
        {"username": "claire", "password": "provider-password", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{origin}/login/"},
        allow_redirects=False,
        timeout=10,
    )
    assert logged_in.status_code == 302, logged_in.text
    authorized = browser.get(start["Location"], allow_redirects=False, timeout=10)
    back = authorized.headers["Location"]
    assert back.startswith(CALLBACK) and "code=" in back, back
    # The provider sends the browser back to the site: the site then calls the
    # provider's token, keys and userinfo endpoints itself.
    done = client.get(back.removeprefix("http://testserver"))
    assert done.status_code == 302, done.content[:500]


def test_a_customer_signs_in_with_the_brands_provider_and_gets_an_account(client, sso) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert "/accounts/oidc/sso/login/" in page  # the log-in page offers it

    _log_in_at_the_provider(client, sso)

    member = User.objects.get(email="claire.martin@lumio.example")
    link = SocialAccount.objects.get(user=member, provider="sso")
    assert link.uid == "1"  # the provider's subject for Claire
    assert member.display_name == "Claire Martin"
    assert client.session["_auth_user_id"] == str(member.pk)

    # Next time the same provider account logs into the same member.
    client.logout()
    _log_in_at_the_provider(client, sso)
    assert User.objects.filter(email="claire.martin@lumio.example").count() == 1
    assert client.session["_auth_user_id"] == str(member.pk)


def test_a_member_links_their_account_to_the_brands_provider(client, sso) -> None:
    from tests.factories import UserFactory

    member = UserFactory(username="claire_m", email="claire@old-address.example")
    client.force_login(member)
    _log_in_at_the_provider(client, sso, process="connect")

    link = SocialAccount.objects.get(provider="sso")
    assert link.user_id == member.pk and link.uid == "1"
    assert User.objects.count() == 1  # linked, no second account
    client.logout()
    _log_in_at_the_provider(client, sso)
    assert client.session["_auth_user_id"] == str(member.pk)
