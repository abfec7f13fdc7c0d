"""The load mix against `make prod` (scripts/run-load runs it headless).

LOAD_PHASE=mix: 80 % anonymous reads (question pages, lists, search), 15 %
instant-answer API calls with an API key, 5 % writes by logged-in members
(answers, comments, votes). Each simulated user sends requests at a fixed
rate (LOAD_RPS / LOAD_USERS a second), so latency is measured at a known
offered load rather than at whatever rate the server keeps up with. The
first LOAD_WARMUP_SECONDS are not counted (the statistics are reset then).
Questions are picked with a skew (a few pages get most of the visits, as on
any public site), from the fixtures written by ``manage.py load_prepare``.

LOAD_PHASE=floor: one request each to a question page and to /healthz (a
view that returns a few bytes and touches nothing) in turn, as fast as the
server answers: the ratio of their latencies says how far the page is from
the framework's own floor on this server.

Every request carries X-Forwarded-Proto: https, as from the TLS-terminating
proxy the production settings expect. The run stops by itself after
LOAD_MAX_REQUESTS requests (or locust's --run-time).
"""

import itertools
import json
import os
import random
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any

import gevent  # type: ignore[import-untyped]
from locust import FastHttpUser, constant, constant_throughput, events, task

FIXTURES = json.loads(Path(os.environ["LOAD_FIXTURES"]).read_text())
PHASE = os.environ.get("LOAD_PHASE", "mix")
USERS = int(os.environ.get("LOAD_USERS", "60"))
RATE_PER_USER = float(os.environ.get("LOAD_RPS", "330")) / USERS
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "40000"))
WARMUP_SECONDS = float(os.environ.get("LOAD_WARMUP_SECONDS", "0"))
API_PATH = os.environ.get("LOAD_API_PATH", "/api/v1/instant-answers/?q={q}")
PROXY = {"X-Forwarded-Proto": "https"}
_counter = itertools.count(1)
# Posts each member has not voted on yet, shared by all writers (one process):
# a second vote on the same post would be refused, rightly.
_VOTABLE = {
    member["session"]: random.sample(member["votable"], len(member["votable"]))
    for member in FIXTURES.get("members", [])
}


def skewed(items: list[Any]) -> Any:
    # The cube of a uniform draw: the first 10 % of the list gets ~46 % of the picks.
    return items[int(len(items) * random.random() ** 3)]


@events.request.add_listener
def _stop_after_max_requests(**kwargs: Any) -> None:
    if next(_counter) >= MAX_REQUESTS and _runner is not None:
        _runner.quit()


_runner: Any = None


@events.init.add_listener
def _keep_runner(environment: Any, **kwargs: Any) -> None:
    global _runner
    _runner = environment.runner
    if WARMUP_SECONDS > 0 and environment.runner is not None:
        # The statistics start after the warm-up: a site in service has its
        # caches filled by earlier visitors, and the report is about that.
        gevent.spawn_later(WARMUP_SECONDS, environment.runner.stats.reset_all)


class BrowserUser(FastHttpUser):
    """Keeps the site's cookies as a browser does.

    The site sets them ``Secure`` (it is served over HTTPS by the proxy in
    front, which the X-Forwarded-Proto header stands for here); a cookie jar
    would not send them back over this plain-HTTP loopback, and every search
    would start a new session, which no browser makes the site do.
    """

    abstract = True

    def on_start(self) -> None:
        self.client.cookiejar.set_policy(DefaultCookiePolicy(secure_protocols=("https", "http")))


class Reader(BrowserUser):
    """A visitor without an account (80 % of the requests)."""

    abstract = PHASE != "mix"
    weight = 80
    wait_time = constant_throughput(RATE_PER_USER)

    @task(60)
    def question_page(self) -> None:
        self.client.get(skewed(FIXTURES["questions"]), headers=PROXY, name="question page")

    @task(25)
    def question_list(self) -> None:
        choice = random.random()
        if choice < 0.4:
            path = random.choice(["/", "/questions/", "/questions/?sort=newest"])
        elif choice < 0.6:
            path = f"/questions/?page={random.randint(2, 50)}"
        elif choice < 0.85:
            path = f"/questions/tagged/{skewed(FIXTURES['tags'])}/"
        else:
            path = f"/categories/{random.choice(FIXTURES['categories'])}/"
        self.client.get(path, headers=PROXY, name="question list")

    @task(15)
    def search(self) -> None:
        term = skewed(FIXTURES["search_terms"])
        self.client.get("/search/", params={"q": term}, headers=PROXY, name="search page")


class ApiClient(BrowserUser):
    """A help centre's widget asking for instant answers (15 %)."""

    abstract = PHASE != "mix"
    weight = 15
    wait_time = constant_throughput(RATE_PER_USER)

    @task
    def instant_answers(self) -> None:
        term = skewed(FIXTURES["search_terms"])
        self.client.get(
            API_PATH.format(q=term.replace(" ", "+")),
            headers={**PROXY, "Authorization": f"Bearer {FIXTURES['api_key']}"},
            name="instant-answer API",
        )


class Writer(FastHttpUser):
    """Logged-in members answering, commenting and voting (5 %).

    Each request comes from a member drawn afresh, as on a site where many
    members each do a little: one member voting at this rate for the whole
    run would reach the daily vote limit (rightly refused) within a minute.
    """

    abstract = PHASE != "mix"
    weight = 5
    wait_time = constant_throughput(RATE_PER_USER)

    def on_start(self) -> None:
        self.origin = str(self.host).replace("http://", "https://")

    def _member(self) -> tuple[dict[str, Any], dict[str, str]]:
        member = random.choice(FIXTURES["members"])
        headers = {
            **PROXY,
            # A browser's same-origin POST over HTTPS: Django checks Origin.
            "Origin": self.origin,
            "Cookie": f"sessionid={member['session']}; csrftoken={member['csrf']}",
            "X-CSRFToken": member["csrf"],
        }
        return member, headers

    def _text(self, sentences: int) -> str:
        words = random.sample(FIXTURES["products"], 3)
        return (
            f"Load run note {next(_counter)}: check the {words[0]} first, then the {words[1]}. "
            + " ".join(
                f"The {random.choice(words)} setting matters here." for _ in range(sentences)
            )
        )

    @task(2)
    def vote(self) -> None:
        member, headers = self._member()
        votable = _VOTABLE[member["session"]]
        if not votable:
            return
        self.client.post(
            f"/posts/{votable.pop()}/vote/",
            data={"value": "1"},
            headers={**headers, "Accept": "application/json"},
            name="vote",
        )

    @task(2)
    def comment(self) -> None:
        question = skewed(FIXTURES["question_ids"])
        _member, headers = self._member()
        self.client.post(
            f"/posts/{question}/comments/",
            data={"body": self._text(1), "form_token": FIXTURES["form_token"], "website": ""},
            headers={**headers, "Accept": "application/json"},
            name="comment",
        )

    @task(1)
    def answer(self) -> None:
        question = random.choice(FIXTURES["question_ids"])
        _member, headers = self._member()
        with self.client.post(
            f"/questions/{question}/answers/",
            data={"body": self._text(3), "form_token": FIXTURES["form_token"], "website": ""},
            headers=headers,
            allow_redirects=False,
            name="answer",
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"answer refused: {response.status_code}")


class PageVersusFloor(FastHttpUser):
    """The question page and the trivial view, in turn, back to back."""

    abstract = PHASE != "floor"
    wait_time = constant(0)

    @task
    def pair(self) -> None:
        self.client.get(skewed(FIXTURES["questions"]), headers=PROXY, name="question page")
        self.client.get("/healthz", headers=PROXY, name="trivial view (/healthz)")
