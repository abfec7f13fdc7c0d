"""Real processes for the fault tests: the site server, search workers and
members talking HTTP to the site, like browsers and operators would."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests
from django.conf import settings
from django.db import close_old_connections, connection
from django.test import Client
from django.utils.crypto import get_random_string

from moderation.antispam import form_token
from search.engine import LocalServer, free_port
from search.models import IndexOperation

ROOT = Path(__file__).resolve().parents[2]
MANAGE = str(ROOT / "manage.py")
# Short enough for a test to wait it out. A worker waits for its tasks half
# the lease before giving the rows back (and sending them again), so on a
# loaded machine a shorter lease turns slow tasks into repeated pushes.
LEASE_SECONDS = 20
MAX_BACKOFF_SECONDS = 2


def process_env(*, var_dir: Path, engine: LocalServer, **extra: str) -> dict[str, str]:
    """The production settings, pointed at this test's database and engine."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no TLS redirect, cookies without Secure.
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "ENTRAIDE_VAR_DIR": str(var_dir),
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
        "MEILISEARCH_URL": engine.url,
        "MEILISEARCH_API_KEY": engine.key,
        "MEILISEARCH_INDEX": str(settings.SEARCH["INDEX"]),
        "MEILISEARCH_TIMEOUT": "1",
        "SEARCH_SYNC_LEASE_SECONDS": str(LEASE_SECONDS),
        "SEARCH_SYNC_MAX_BACKOFF_SECONDS": str(MAX_BACKOFF_SECONDS),
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "INFO",
    }
    env.pop("REDIS_URL", None)
    return {**env, **extra}


class Process:
    """A child process whose output goes to a log file the test can read."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.command = command
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        self.popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            self.command, env=self.env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )

    @property
    def is_alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL: no clean-up code runs, as when the machine loses the process."""
        assert self.popen is not None
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait()

    def stop(self) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class SiteServer(Process):
    """The site on a free loopback port: Django's runserver, or gunicorn with
    the production config (deploy/gunicorn.conf.py)."""

    def __init__(self, env: dict[str, str], log_dir: Path, *, gunicorn: bool = False) -> None:
        self.port = free_port()
        address = f"127.0.0.1:{self.port}"
        if gunicorn:
            config = str(ROOT / "deploy" / "gunicorn.conf.py")
            command = [sys.executable, "-m", "gunicorn", "-c", config, "--bind", address]
            command.append("entraide.wsgi:application")
        else:
            command = [sys.executable, MANAGE, "runserver", address, "--noreload"]
        super().__init__("site", command, env, log_dir)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        super().start()
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if not self.is_alive or time.monotonic() > deadline:
                raise RuntimeError(f"the site did not start:\n{self.log()[-3000:]}")
            time.sleep(0.1)


def search_worker(env: dict[str, str], log_dir: Path, name: str = "search_sync") -> Process:
    command = [sys.executable, MANAGE, "search_sync", "--poll", "0.2"]
    return Process(name, command, env, log_dir)


class Member:
    """A member's own HTTP client: a session of their own, CSRF like a browser's."""

    def __init__(self, site_url: str, user: Any) -> None:
        self.site_url = site_url
        self.user = user
        client = Client()
        client.force_login(user)
        self.http = requests.Session()
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.http.cookies.set(settings.SESSION_COOKIE_NAME, session)
        secret = get_random_string(32)
        self.http.cookies.set(settings.CSRF_COOKIE_NAME, secret)
        self.http.headers["X-CSRFToken"] = secret

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(self.site_url + path, timeout=15, allow_redirects=False, **kwargs)

    def post(self, path: str, data: dict[str, Any], *, json: bool = False) -> requests.Response:
        # A form shown a minute ago, with the honeypot left empty.
        form = {"form_token": form_token(time.time() - 60), "website": "", **data}
        headers = {"Accept": "application/json"} if json else {}
        return self.http.post(
            self.site_url + path, data=form, headers=headers, timeout=15, allow_redirects=False
        )


class Traffic:
    """Members and visitors hitting the site from threads until stopped.

    Every response is recorded with its status and how long it took, so a
    test can say what happened while a part was down.
    """

    def __init__(self, actions: dict[str, Any], threads: int = 4) -> None:
        import threading

        self.actions = list(actions.items())
        self.records: list[tuple[str, int, float, float, str]] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(n,)) for n in range(threads)]

    def _run(self, offset: int) -> None:
        step = offset
        while not self._stop.is_set():
            label, action = self.actions[step % len(self.actions)]
            step += 1
            started = time.monotonic()
            try:
                response = action(step)
                status, text = response.status_code, response.text
            except requests.RequestException as error:
                # A hang would show up as a timeout here: recorded as status 0.
                status, text = 0, repr(error)
            with self._lock:
                self.records.append((label, status, started, time.monotonic() - started, text))

    def __enter__(self) -> "Traffic":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def between(self, start: float, end: float) -> list[tuple[str, int, float, float, str]]:
        with self._lock:
            return [r for r in self.records if start <= r[2] < end]


def wait_until(
    condition: Any,
    timeout: float,
    message: str,
    interval: float = 0.2,
    logs: tuple[Process, ...] = (),
) -> None:
    """Poll ``condition``; on timeout, fail with the end of the processes' logs."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            tails = "".join(f"\n--- {p.log_path.name}:\n{p.log()[-2500:]}" for p in logs)
            raise AssertionError(f"{message} (after {timeout} s){tails}")
        time.sleep(interval)


def outbox_drained() -> bool:
    """Whether the search outbox is empty (on a fresh connection: the last may be dead)."""
    close_old_connections()
    return not IndexOperation.objects.exists()


def ask_questions(count: int, *, tag: str, title: str, body: str) -> list[Any]:
    """``count`` questions by one asker ("asker") under one tag and category;
    ``{n}`` in the title and body numbers them."""
    from qa import services as qa
    from tests.factories import CategoryFactory, TagFactory, UserFactory

    category = CategoryFactory(name=tag.title(), slug=tag)
    TagFactory(name=tag)
    asker = UserFactory(username="asker")
    return [
        qa.question_ask(
            author=asker,
            title=title.format(n=n),
            body=body.format(n=n),
            tags=tag,
            category=category,
        )
        for n in range(count)
    ]


def outage(
    actions: dict[str, Any], *, stop: Any, start: Any, seconds: float, settle: float = 3.0
) -> tuple[Traffic, float, float]:
    """Run ``actions`` as traffic, stop a part for ``seconds`` and start it again,
    then let the traffic run ``settle`` seconds more; return when it was down
    (from ``stop()``'s return: a request sent while the part was still
    shutting down may have been answered by it) and when it came back up."""
    with Traffic(actions) as traffic:
        time.sleep(1.5)
        stop()
        down_at = time.monotonic()
        time.sleep(seconds)
        up_at = time.monotonic()
        start()
        time.sleep(settle)
    return traffic, down_at, up_at


def answer_poster(member: Member, question_ids: list[int], text: str) -> Any:
    """An action posting ``text`` as an answer, to each question in turn; numbered,
    since the same text twice is refused as a duplicate."""
    import itertools

    targets, numbers = itertools.cycle(question_ids), itertools.count()

    def post(step: int) -> requests.Response:
        body = f"{text} ({next(numbers)})"
        return member.post(f"/questions/{next(targets)}/answers/", {"body": body})

    return post
