"""Security settings: the production configuration passes Django's deployment
checks, every page carries a strict Content-Security-Policy, state changes
need a CSRF token, and pages refuse to be framed."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _production_env(tmp_path: Path) -> dict[str, str]:
    # A production process: none of the test run's own switches (the browser
    # tests set DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses).
    dropped = {"DEBUG", "SECURE_COOKIES", "DJANGO_ALLOW_ASYNC_UNSAFE", "EMAIL_BACKEND"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="help.example.com",
        ENTRAIDE_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    return env


def test_production_settings_pass_check_deploy_with_no_warning(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_values(tmp_path) -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_REFERRER_POLICY, s.X_FRAME_OPTIONS,"
        " s.EMAIL_BACKEND.rsplit('.', 2)[-2])"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split()[-7:] == [
        "True",
        "True",
        "True",
        "True",
        "same-origin",
        "DENY",
        "smtp",
    ]


def test_pages_carry_a_csp_without_inline_scripts_and_refuse_framing(client) -> None:
    question = QuestionFactory()
    for url in ("/", question.get_absolute_url(), "/accounts/login/", "/accounts/signup/"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert directives["frame-ancestors"] == "'none'"
        assert response["X-Frame-Options"] == "DENY"
        html = response.content.decode()
        # No inline script, no event-handler attribute, no inline style.
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert not re.search(r"\sstyle\s*=", html), url


def test_state_changes_need_a_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    member = UserFactory()
    client.force_login(member)
    question = QuestionFactory()
    for url, data in (
        (f"/posts/{question.pk}/vote/", {"value": "1"}),
        ("/accounts/profile/", {"display_name": "X", "preferred_language": "en"}),
        ("/accounts/privacy/delete/", {}),
        ("/accounts/logout/", {}),
    ):
        assert client.post(url, data).status_code == 403, url
