"""Page benchmark: a large synthetic data set and in-process page timings.

``manage.py bench_pages`` (``make bench``) drives these functions; the test
builds a tiny data set with the same builder. The builder writes rows with
``bulk_create`` and sets every counter (scores, answer and comment counts, tag
usage) from the rows it writes, so the pages show what the services would
have produced. It only ever runs against a database of its own: it refuses
one holding data it did not create, and rebuilds its own when the migrations
change.

Timings are taken through ``django.test.Client`` with DEBUG off, in one
shuffled order over every page and viewer, and each request ends as under a
server (``close_old_connections``), so SQLite reconnects per request as it
does deployed. Queries are counted in a separate pass.
"""

import gc
import hashlib
import json
import os
import platform
import random
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import dj_database_url
import django
from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.management import call_command
from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.template.backends.django import Template as DjangoTemplate
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from entraide.rendering import render_inline_markdown
from privacy.services import policy_versions

from .models import Category, Comment, Post, PostType, Tag, Vote
from .selectors import QuestionSort
from .services import _rendered

Log = Callable[[str], None]

# The bench's own member: it marks a data set as the bench's, and it is the
# logged-in viewer of the measured pages.
VIEWER_USERNAME = "bench-viewer"
TARGET_MS = 10.0
# Top-level comments are inserted with unique temporary tree ids above every
# primary key, then given their own pk (the convention of comment_add):
# ``(tree_id, lft)`` is unique and ``tree_id`` is unsigned, so 0 cannot serve.
_TEMP_TREE_ID = 1_000_000_000
# Part of the schema fingerprint: bump it when the builder writes other rows,
# so bench databases built by the older builder are rebuilt.
DATASET_VERSION = 2
_BATCH = 2_000


class BenchmarkError(RuntimeError):
    """The bench cannot run safely or a page did not answer 200."""


def _silent(message: str) -> None:
    pass


# The data set ---------------------------------------------------------------


@dataclass(frozen=True)
class DatasetSpec:
    questions: int = 20_000
    answers_per_question: int = 3
    comments_per_question: int = 5
    users: int = 3_000
    tags: int = 300
    seed: int = 20_240_601

    @property
    def unanswered(self) -> int:
        # Extra questions without answers, so the "unanswered" sort has rows
        # and the question page can be compared with and without answers.
        return max(2, self.questions // 50)

    def expected_counts(self) -> dict[str, int]:
        return {
            "questions": self.questions + self.unanswered,
            "answers": self.questions * self.answers_per_question,
            "comments": self.questions * self.comments_per_question + self.unanswered // 2,
            "users": self.users,
            "tags": self.tags,
        }


def dataset_counts() -> dict[str, int]:
    return {
        "questions": Post.objects.questions().count(),
        "answers": Post.objects.answers().count(),
        "comments": Comment.objects.count(),
        "users": User.objects.count(),
        "tags": Tag.objects.count(),
        "votes": Vote.objects.count(),
        "categories": Category.objects.count(),
    }


_PRODUCTS = [
    "router", "invoice", "mobile app", "printer", "VPN client", "dashboard", "API key",
    "password reset", "two-factor login", "CSV export", "webhook", "subscription", "mailbox",
    "backup", "sync client", "payment card", "team workspace", "calendar", "desktop app",
    "search", "notification", "single sign-on", "firmware", "phone number", "data import",
]  # fmt: skip
_PROBLEMS = [
    "stops working after the update", "shows error 500", "is very slow since Monday",
    "cannot be found in the settings", "keeps logging me out", "sends duplicate e-mails",
    "times out after 30 seconds", "shows the wrong currency", "fails on Windows 11",
    "ignores my notification settings", "loses data when offline", "rejects a valid address",
    "charges me twice", "does not show the new plan", "crashes when I open it",
]  # fmt: skip
_TITLE_SHAPES = [
    "Why does my {product} {problem}?",
    "How can I fix a {product} that {problem}?",
    "My {product} {problem} — what can I do?",
    "After changing plans, the {product} {problem}",
    "Since the last release my {product} {problem}",
    "Is it normal that the {product} {problem}?",
]
_SENTENCES = [
    "I followed the steps in the help centre twice and nothing changed.",
    "It started right after the automatic update last week.",
    "My colleague on the same plan does not see the problem at all.",
    "I tried another browser and a private window, with the same result.",
    "The status page says everything is operational.",
    "Support asked me to post here because it may affect other customers.",
    "Restarting the device helps for about ten minutes, then it happens again.",
    "The error message is not very helpful and the log shows a timeout.",
    "This blocks our month-end closing, so any hint is welcome.",
    "I checked the network settings and the firewall allows the connection.",
    "Clearing the cache and signing in again did not help either.",
    "The same account works fine from my phone, which is puzzling.",
]
_ANSWER_SENTENCES = [
    "This is a known issue with the latest version; the fix ships next week.",
    "Go to **Settings › Account › Security** and turn the option off and on again.",
    "You need to regenerate the key: old keys stop working after the migration.",
    "Check that your plan includes the feature; the trial hides it without a message.",
    "The timeout comes from the proxy, not from the service itself.",
    "I had the same problem and [this article](https://example.com/help) solved it.",
    "Make sure the time on the device is correct; signatures expire otherwise.",
    "Export the data first, then reinstall: nothing is lost that way.",
    "The duplicate e-mails come from two rules matching the same event.",
    "Contact billing with the invoice number; they can reverse the second charge.",
]
_CODE_SNIPPETS = [
    "```python\nimport requests\n\nresponse = requests.get(url, timeout=30)\n"
    "response.raise_for_status()\nprint(response.json()['status'])\n```",
    "```bash\ncurl -H 'Authorization: Bearer $KEY' https://api.example.com/v1/status\n```",
    '```json\n{"event": "invoice.paid", "attempt": 2, "status": 500}\n```',
]
_COMMENTS = [
    "Which version of the app are you using?",
    "Same here since this morning, following this question.",
    "Could you share the exact error message?",
    "Thanks, this worked for me after a restart.",
    "Did you try signing out of every device first?",
    "This is the `timeout` setting in the advanced panel.",
    "I would add that the fix also needs **a new key**.",
    "See the [status page](https://example.com/status) for updates.",
    "It fails for me on the mobile app too, not only on the web.",
    "Works now, the update fixed it. Thank you!",
]
_TAG_STEMS = [
    "billing", "invoice", "payment", "refund", "router", "wifi", "vpn", "printer", "android",
    "ios", "windows", "macos", "linux", "api", "webhook", "export", "import", "csv", "sso",
    "password", "2fa", "email", "calendar", "backup", "sync", "search", "notification",
    "firmware", "dashboard", "account",
]  # fmt: skip
_TAG_QUALIFIERS = [
    "", "-setup", "-errors", "-performance", "-security", "-settings", "-mobile", "-desktop",
    "-migration", "-limits", "-pricing", "-integration",
]  # fmt: skip
_CATEGORY_TREE: dict[str, dict[str, list[str]]] = {
    "Billing": {"Invoices": [], "Payments": ["Cards", "Bank transfers"], "Refunds": []},
    "Accounts": {"Sign-in": ["Two-factor login"], "Profile": [], "Privacy": []},
    "Devices": {"Routers": [], "Printers": [], "Phones": []},
    "Software": {"Desktop app": [], "Mobile app": [], "API": ["Webhooks"]},
    "Network": {"Wi-Fi": [], "VPN": []},
}


@dataclass(frozen=True)
class _Body:
    source: str
    html: str
    excerpt: str


def _post_body(source: str) -> _Body:
    # The services' own rendering, so stored columns match what they write.
    columns = _rendered(source)
    return _Body(columns["body_source"], columns["body_html"], columns["excerpt"])


def _paragraphs(rng: random.Random, sentences: list[str], count: int) -> list[str]:
    return [" ".join(rng.sample(sentences, rng.randint(2, 4))) for _ in range(count)]


def _render_bodies(rng: random.Random) -> tuple[list[_Body], list[_Body], list[str]]:
    """A handful of rendered bodies, reused by every post: rendering is slow."""
    questions, answers = [], []
    for index in range(8):
        parts = _paragraphs(rng, _SENTENCES, rng.randint(2, 4))
        if index % 3 == 0:
            parts.insert(1, _CODE_SNIPPETS[index % len(_CODE_SNIPPETS)])
        questions.append(_post_body("\n\n".join(parts)))
        parts = _paragraphs(rng, _ANSWER_SENTENCES, rng.randint(1, 3))
        if index % 3 == 1:
            parts.append(_CODE_SNIPPETS[index % len(_CODE_SNIPPETS)])
        if index % 4 == 2:
            parts.append("1. Open the settings.\n2. Choose *Reset*.\n3. Sign in again.")
        answers.append(_post_body("\n\n".join(parts)))
    comments = [render_inline_markdown(text) for text in _COMMENTS]
    return questions, answers, comments


@dataclass
class _CommentPlan:
    slot: int  # 0 for the question, 1.. for its answers
    author: int
    created: datetime
    text: int
    replies: list["_CommentPlan"] = field(default_factory=list)


@dataclass
class _PostPlan:
    author: int
    created: datetime
    body: int
    votes: list[tuple[int, int]]  # (user id, value)

    @property
    def score(self) -> int:
        return sum(value for _, value in self.votes)


@dataclass
class _QuestionPlan(_PostPlan):
    title: str = ""
    tags: list[int] = field(default_factory=list)  # indexes into the tag list
    category: int = 0
    views: int = 0
    answers: list[_PostPlan] = field(default_factory=list)
    comments: list[_CommentPlan] = field(default_factory=list)  # top-level, with replies
    accepted: int | None = None  # index into answers

    def comment_count(self, slot: int) -> int:
        return sum(1 + len(c.replies) for c in self.comments if c.slot == slot)


class _Planner:
    """Decide every row in memory first, so counters are known before inserting."""

    def __init__(self, spec: DatasetSpec, user_ids: list[int], categories: int) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.user_ids = user_ids
        self.categories = categories
        # Zipf-like popularity: a few tags carry most questions, as on real sites.
        self.tag_weights = [1 / (rank + 1) ** 0.9 for rank in range(spec.tags)]
        self.now = timezone.now()

    def _votes(self, author: int) -> list[tuple[int, int]]:
        rng = self.rng
        count = rng.choices([0, 1, 2, 3, 5, 8, 13], weights=[20, 25, 20, 15, 10, 7, 3])[0]
        pool = rng.sample(self.user_ids, min(count + 1, len(self.user_ids)))
        voters = {v for v in pool if v != author}
        return [(v, 1 if rng.random() < 0.88 else -1) for v in sorted(voters)[:count]]

    def _later(self, start: datetime, max_hours: int) -> datetime:
        return min(self.now, start + timedelta(minutes=self.rng.randint(3, max_hours * 60)))

    def _comments(self, question: _QuestionPlan, count: int) -> None:
        rng = self.rng
        posts = [question, *question.answers]
        for _ in range(count):
            slot = rng.randrange(len(posts))
            roots = [c for c in question.comments if c.slot == slot]
            created = self._later(posts[slot].created, 72)
            plan = _CommentPlan(slot, rng.choice(self.user_ids), created, rng.randrange(10))
            if roots and rng.random() < 0.25:
                rng.choice(roots).replies.append(plan)
            else:
                question.comments.append(plan)
        question.comments.sort(key=lambda c: c.created)

    def questions(self, question_bodies: int, answer_bodies: int) -> list[_QuestionPlan]:
        spec, rng = self.spec, self.rng
        total = spec.questions + spec.unanswered
        answered = [True] * spec.questions + [False] * spec.unanswered
        rng.shuffle(answered)
        # Two years of history, oldest first, so ids grow with time.
        step = timedelta(days=730) / total
        start = self.now - timedelta(days=730)
        plans: list[_QuestionPlan] = []
        unanswered_seen = 0
        for index, has_answers in enumerate(answered):
            author = rng.choice(self.user_ids)
            created = start + step * index + step * rng.random()
            shape = rng.choice(_TITLE_SHAPES)
            title = shape.format(product=rng.choice(_PRODUCTS), problem=rng.choice(_PROBLEMS))
            tags: set[int] = set()
            wanted = rng.randint(1, 3)
            while len(tags) < wanted:
                tags.add(rng.choices(range(spec.tags), weights=self.tag_weights)[0])
            question = _QuestionPlan(
                author=author,
                created=created,
                body=rng.randrange(question_bodies),
                votes=self._votes(author),
                title=title[0].upper() + title[1:],
                tags=sorted(tags),
                category=rng.randrange(self.categories),
                views=rng.randint(3, 5_000),
            )
            if has_answers:
                for _ in range(spec.answers_per_question):
                    answerer = rng.choice(self.user_ids)
                    question.answers.append(
                        _PostPlan(
                            answerer,
                            self._later(created, 24 * 14),
                            rng.randrange(answer_bodies),
                            self._votes(answerer),
                        )
                    )
                if rng.random() < 0.5:
                    scores = [a.score for a in question.answers]
                    question.accepted = scores.index(max(scores))
                self._comments(question, spec.comments_per_question)
            else:
                # Every other unanswered question has one comment, the rest none.
                self._comments(question, unanswered_seen % 2)
                unanswered_seen += 1
            plans.append(question)
        return plans


def _create_users(spec: DatasetSpec, rng: random.Random) -> list[int]:
    # One hash for everyone: hashing thousands of passwords would take minutes.
    password = make_password("bench-password")
    joined = timezone.now() - timedelta(days=900)
    terms, privacy = policy_versions()
    users = [
        User(
            username=VIEWER_USERNAME if index == 0 else f"bench-member-{index}",
            email=f"bench-member-{index}@example.com",
            display_name=f"Member {index}" if index % 3 else "",
            password=password,
            reputation=max(1, int(rng.paretovariate(1.2) * 10)),
            date_joined=joined + timedelta(minutes=index),
            terms_version=terms,
            privacy_version=privacy,
        )
        for index in range(spec.users)
    ]
    User.objects.bulk_create(users, batch_size=_BATCH)
    return [user.pk for user in users]


def _create_categories() -> list[Category]:
    created: list[Category] = []

    def add(name: str, parent: Category | None) -> Category:
        slug = f"{parent.slug}-{name}" if parent else name
        category = Category.objects.create(
            name=name, slug=Post.slug_for(slug), parent=parent, description=f"About {name}."
        )
        created.append(category)
        return category

    for root_name, children in _CATEGORY_TREE.items():
        root = add(root_name, None)
        for child_name, grandchildren in children.items():
            child = add(child_name, root)
            for grandchild_name in grandchildren:
                add(grandchild_name, child)
    return list(Category.objects.filter(pk__in=[c.pk for c in created]))


def _tag_names(count: int) -> list[str]:
    names = [stem + qualifier for qualifier in _TAG_QUALIFIERS for stem in _TAG_STEMS]
    names += [f"topic-{n}" for n in range(max(0, count - len(names)))]
    return names[:count]


@contextmanager
def _large_sqlite_cache() -> Iterator[None]:
    """Keep SQLite's index pages in memory while loading: the default 2 MB
    cache makes every index insert of a 200 MB load re-read pages."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone() or (-2000,)
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def build_dataset(spec: DatasetSpec, *, log: Log = _silent) -> dict[str, float]:
    """Write the whole data set in one transaction; return seconds per step.

    Precondition: the database holds no bench data (see ``ensure_dataset``).
    """
    rng = random.Random(spec.seed)
    steps: dict[str, float] = {}
    clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        steps[name] = round(now - clock, 2)
        log(f"  {name}: {steps[name]:.1f} s")
        clock = now

    question_bodies, answer_bodies, comment_html = _render_bodies(rng)
    step("render bodies")
    with _large_sqlite_cache(), transaction.atomic():
        user_ids = _create_users(spec, rng)
        categories = _create_categories()
        step(f"{len(user_ids):,} users, {len(categories)} categories")
        plans = _Planner(spec, user_ids, len(categories)).questions(
            len(question_bodies), len(answer_bodies)
        )
        step(f"plan {len(plans):,} questions")
        usage = Counter(tag for plan in plans for tag in plan.tags)
        names = _tag_names(spec.tags)
        tags = [
            Tag(name=name, usage_count=usage[index], excerpt=f"Questions about {name}.")
            for index, name in enumerate(names)
        ]
        Tag.objects.bulk_create(tags, batch_size=_BATCH)
        questions = [
            Post(
                post_type=PostType.QUESTION,
                author_id=plan.author,
                title=plan.title,
                slug=Post.slug_for(plan.title),
                body_source=question_bodies[plan.body].source,
                body_html=question_bodies[plan.body].html,
                excerpt=question_bodies[plan.body].excerpt,
                tag_names=" ".join(names[tag] for tag in plan.tags),
                category=categories[plan.category],
                score=plan.score,
                answer_count=len(plan.answers),
                comment_count=plan.comment_count(0),
                view_count=plan.views,
                created_at=plan.created,
                last_activity_at=max([plan.created, *(a.created for a in plan.answers)]),
            )
            for plan in plans
        ]
        Post.objects.bulk_create(questions, batch_size=_BATCH)
        through = Post.tags.through
        through.objects.bulk_create(
            [
                through(post_id=question.pk, tag_id=tags[tag].pk)
                for question, plan in zip(questions, plans, strict=True)
                for tag in plan.tags
            ],
            batch_size=_BATCH,
        )
        step(f"{len(questions):,} questions with tags")
        answers = [
            Post(
                post_type=PostType.ANSWER,
                parent_id=question.pk,
                author_id=answer.author,
                body_source=answer_bodies[answer.body].source,
                body_html=answer_bodies[answer.body].html,
                excerpt=answer_bodies[answer.body].excerpt,
                score=answer.score,
                comment_count=plan.comment_count(slot),
                created_at=answer.created,
                last_activity_at=answer.created,
            )
            for question, plan in zip(questions, plans, strict=True)
            for slot, answer in enumerate(plan.answers, start=1)
        ]
        Post.objects.bulk_create(answers, batch_size=_BATCH)
        # Each question's answers, in plan order: slot 0 is the question itself.
        posts_of: list[list[Post]] = []
        position = 0
        for question, plan in zip(questions, plans, strict=True):
            posts_of.append([question, *answers[position : position + len(plan.answers)]])
            position += len(plan.answers)
        accepting = []
        for posts, plan in zip(posts_of, plans, strict=True):
            if plan.accepted is not None:
                accepted = posts[1 + plan.accepted]
                posts[0].accepted_answer_id = accepted.pk
                # Accepted 1–48 hours after the answer (no draw: the plan stays
                # the same), so the dashboard's time-to-accept has data.
                posts[0].accepted_at = min(
                    timezone.now(), accepted.created_at + timedelta(hours=1 + accepted.pk % 48)
                )
                accepting.append(posts[0])
        Post.objects.bulk_update(accepting, ["accepted_answer", "accepted_at"], batch_size=500)
        step(f"{len(answers):,} answers, {len(accepting):,} accepted")
        _create_comments(plans, posts_of, comment_html)
        step(f"{Comment.objects.count():,} comments")
        votes = [
            Vote(user_id=user_id, post_id=post.pk, value=value, created_at=vote_plan.created)
            for posts, plan in zip(posts_of, plans, strict=True)
            for post, vote_plan in zip(posts, [plan, *plan.answers], strict=True)
            for user_id, value in vote_plan.votes
        ]
        Vote.objects.bulk_create(votes, batch_size=_BATCH)
        step(f"{len(votes):,} votes")
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Autovacuum would analyse the fresh tables within minutes; do it now
        # so the first run measures the plans a live site would have.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        step("vacuum analyze")
    return steps


def _create_comments(
    plans: list[_QuestionPlan], posts_of: list[list[Post]], comment_html: list[str]
) -> None:
    def row(plan: _CommentPlan, post: Post, **tree: Any) -> Comment:
        return Comment(
            post_id=post.pk,
            author_id=plan.author,
            body_source=_COMMENTS[plan.text],
            body_html=comment_html[plan.text],
            created_at=plan.created,
            **tree,
        )

    roots: list[tuple[Comment, _CommentPlan, Post]] = []
    for posts, plan in zip(posts_of, plans, strict=True):
        for comment in plan.comments:
            post = posts[comment.slot]
            tree = {"lft": 1, "rght": 2 + 2 * len(comment.replies), "level": 0}
            root = row(comment, post, tree_id=_TEMP_TREE_ID + len(roots), **tree)
            roots.append((root, comment, post))
    if Comment.objects.filter(pk__gte=_TEMP_TREE_ID).exists():
        raise BenchmarkError("Comment ids reach the temporary tree ids; use a fresh database.")
    Comment.objects.bulk_create([root for root, _, _ in roots], batch_size=_BATCH)
    Comment.objects.filter(tree_id__gte=_TEMP_TREE_ID).update(tree_id=F("pk"))
    replies = [
        row(
            reply,
            post,
            parent_id=root.pk,
            tree_id=root.pk,
            lft=2 + 2 * index,
            rght=3 + 2 * index,
            level=1,
        )
        for root, plan, post in roots
        for index, reply in enumerate(plan.replies)
    ]
    Comment.objects.bulk_create(replies, batch_size=_BATCH)


def ensure_dataset(
    spec: DatasetSpec, *, rebuild: bool = False, log: Log = _silent
) -> dict[str, Any]:
    """Build the data set unless this database already holds it (by counts).

    Refuses a database with questions or members the bench did not create, so
    it can never empty someone's real data.
    """
    is_bench = User.objects.filter(username=VIEWER_USERNAME).exists()
    if not is_bench and (Post.objects.exists() or User.objects.exists()):
        raise BenchmarkError(
            f"{connection.settings_dict['NAME']} holds data the bench did not create; "
            "give the bench a database of its own (--database-url)."
        )
    counts = dataset_counts()
    expected = spec.expected_counts()
    if is_bench and not rebuild and all(counts[k] == v for k, v in expected.items()):
        log("Reusing the data set already in this database.")
        return {"reused": True, "build_seconds": None, "steps": {}}
    if is_bench:
        log("The data set differs from the one asked for: emptying the bench database.")
        call_command("flush", interactive=False, verbosity=0)
    log(f"Building {expected['questions']:,} questions …")
    started = time.perf_counter()
    steps = build_dataset(spec, log=log)
    return {
        "reused": False,
        "build_seconds": round(time.perf_counter() - started, 1),
        "steps": steps,
    }


_SCHEMA_TABLE = "bench_schema"


def schema_fingerprint() -> str:
    """A digest of every installed app's migration files and of the builder's version.

    Migrations are still rewritten in place while the project is young; a
    bench database migrated from an older text would keep old indexes.
    """
    digest = hashlib.sha256(f"dataset {DATASET_VERSION}".encode())
    for app in apps.get_app_configs():
        for path in sorted((Path(app.path) / "migrations").glob("*.py")):
            digest.update(f"{app.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _is_bench_database(tables: list[str]) -> bool:
    """True when the database is empty or holds the bench's own data set.

    Raw SQL: the tables may predate the models.
    """
    if "accounts_user" not in tables:
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM accounts_user")
        (members,) = cursor.fetchone() or (0,)
        cursor.execute("SELECT COUNT(*) FROM accounts_user WHERE username = %s", [VIEWER_USERNAME])
        (marker,) = cursor.fetchone() or (0,)
    return members == 0 or marker == 1


def ensure_schema(*, log: Log = _silent) -> None:
    """Migrate the bench database, first dropping every table when the
    migrations changed since it was built. Refuses a database that holds
    data the bench did not create."""
    fingerprint = schema_fingerprint()
    tables = connection.introspection.table_names()
    if not _is_bench_database(tables):
        raise BenchmarkError(
            f"{connection.settings_dict['NAME']} holds data the bench did not create; "
            "give the bench a database of its own (--database-url)."
        )
    stored = None
    if _SCHEMA_TABLE in tables:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT fingerprint FROM {_SCHEMA_TABLE}")
            row = cursor.fetchone()
            stored = row[0] if row else None
    if tables and stored != fingerprint:
        log("The migrations changed since the bench database was built: dropping its tables.")
        quote = connection.ops.quote_name
        cascade = " CASCADE" if connection.vendor == "postgresql" else ""
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {quote(table)}{cascade}")
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA foreign_keys = ON")
            else:
                # Trigger functions outlive their tables and migrate would
                # fail creating them again.
                cursor.execute(
                    "SELECT p.proname FROM pg_proc p JOIN pg_namespace n"
                    " ON n.oid = p.pronamespace WHERE n.nspname = current_schema()"
                    " AND p.prorettype = 'trigger'::regtype"
                )
                for (function,) in cursor.fetchall():
                    cursor.execute(f"DROP FUNCTION IF EXISTS {quote(function)}() CASCADE")
    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {_SCHEMA_TABLE} (fingerprint varchar(64))")
        cursor.execute(f"DELETE FROM {_SCHEMA_TABLE}")
        cursor.execute(f"INSERT INTO {_SCHEMA_TABLE} (fingerprint) VALUES (%s)", [fingerprint])


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` if it does not exist."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    config = dj_database_url.parse(url)
    parts = {key: config.get(key.upper()) for key in ("host", "port", "user", "password")}
    conninfo = make_conninfo(dbname="postgres", **{k: str(v) for k, v in parts.items() if v})
    name = str(config["NAME"])
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# Measuring ------------------------------------------------------------------


_PAGE_LABELS = {
    "question": "question page (3 answers)",
    "question_unanswered": "question page (no answer)",
    "question_cached": "question page, from cache",
    "list": "question list",
    "list_cold": "question list, cold cache",
    "list_tag": "question list, by tag",
    "list_category": "question list, by category",
    "floor": "trivial view (the floor)",
}


@dataclass(frozen=True)
class MeasureOptions:
    question_samples: int = 300  # question pages per viewer, each a different question
    list_repeats: int = 15  # passes over the list URLs per viewer
    warmup: int = 30
    query_samples: int = 30  # requests per page kind whose SQL is captured
    seed: int = 7
    target_ms: float = TARGET_MS


class _Probe:
    """Split one request's time into SQL execution and template rendering.

    SQL is timed by an execute wrapper (execution, not row fetching); the
    template by wrapping the backend's ``Template.render``, less the SQL run
    while rendering (querysets evaluated by the template).
    """

    def __init__(self) -> None:
        self.sql_ms = 0.0
        self.render_ms = 0.0
        self.statements: list[tuple[str, float]] = []
        self._depth = 0

    def reset(self) -> None:
        self.sql_ms, self.render_ms, self.statements = 0.0, 0.0, []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (time.perf_counter() - start) * 1000
            self.sql_ms += elapsed
            self.statements.append((sql, elapsed))

    @contextmanager
    def installed(self) -> Iterator[None]:
        original = DjangoTemplate.render
        probe = self

        def render(template: DjangoTemplate, context: Any = None, request: Any = None) -> Any:
            if probe._depth:
                return original(template, context, request)
            probe._depth += 1
            sql_before, start = probe.sql_ms, time.perf_counter()
            try:
                return original(template, context, request)
            finally:
                probe._depth -= 1
                elapsed = (time.perf_counter() - start) * 1000
                probe.render_ms += elapsed - (probe.sql_ms - sql_before)

        with (
            mock.patch.object(DjangoTemplate, "render", render),
            connection.execute_wrapper(self),
        ):
            yield


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))  # nearest rank, ceil(n * fraction)
    return ordered[int(rank) - 1]


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


@dataclass
class _Kind:
    """Observations of one page kind for one viewer."""

    page: str
    viewer: str
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    # From the instrumented pass: its total, and the SQL and rendering in it.
    probed_ms: list[float] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    render_ms: list[float] = field(default_factory=list)
    query_counts: list[int] = field(default_factory=list)
    statements: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def summary(self, target_ms: float) -> dict[str, Any]:
        median = statistics.median(self.times_ms)
        counts = sorted(set(self.query_counts))
        by_time = sorted(
            ((statistics.median(times), len(times), sql) for sql, times in self.statements.items()),
            reverse=True,
        )
        slowest = [
            {
                "sql": sql if len(sql) <= 2000 else sql[:2000] + " …",
                "median_ms": round(median_ms, 3),
                "executions": executions,
            }
            for median_ms, executions, sql in by_time[:3]
        ]
        other = [
            t - q - r for t, q, r in zip(self.probed_ms, self.sql_ms, self.render_ms, strict=True)
        ]
        return {
            "page": self.page,
            "viewer": self.viewer,
            "samples": len(self.times_ms),
            "median_ms": round(median, 2),
            "p95_ms": round(_percentile(self.times_ms, 0.95), 2),
            "mean_ms": round(statistics.fmean(self.times_ms), 2),
            "max_ms": round(max(self.times_ms), 2),
            # Medians of each part: where the time of a typical request goes.
            "sql_median_ms": _median(self.sql_ms),
            "render_median_ms": _median(self.render_ms),
            "other_median_ms": _median(other),
            "cpu_median_ms": _median(self.cpu_ms),
            "queries": counts[0] if len(counts) == 1 else None,
            "query_counts": counts,
            "fixed_queries": len(counts) == 1,
            "slowest_statements": slowest,
            "target_ms": target_ms,
            "meets_target": median <= target_ms,
        }


def _get(client: Client, path: str) -> tuple[float, float]:
    """Wall time and this process's CPU time of one request, in ms.

    CPU time leaves out waiting for other processes on a busy machine (and,
    on PostgreSQL, the database server's own work).
    """
    cpu, start = time.process_time(), time.perf_counter()
    response = client.get(path)
    elapsed, cpu = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
    if response.status_code != 200:
        raise BenchmarkError(f"GET {path} answered {response.status_code}")
    # The test client keeps the connection a server would close: end the
    # request as the WSGI handler does, so CONN_MAX_AGE=0 (SQLite) reconnects,
    # with an empty page cache, inside the next request's time. Not inside a
    # test's transaction, which closing would break.
    if not connection.in_atomic_block:
        close_old_connections()
    return elapsed, cpu


def _question_paths(ids: list[int]) -> list[str]:
    slugs = dict(Post.objects.filter(pk__in=ids).values_list("pk", "slug"))
    return [reverse("qa:question_detail", kwargs={"pk": pk, "slug": slugs[pk]}) for pk in ids]


def _list_paths() -> list[tuple[str, str]]:
    """(page kind, path): every sort, a few page numbers, a tag, a category,
    and the trivial view that gives the framework's floor."""
    listed = Post.objects.questions().visible().count()
    last_page = max(1, -(-listed // settings.QA["QUESTIONS_PER_PAGE"]))
    base = reverse("qa:question_list")
    paths = [("list", f"{base}?sort={sort}") for sort, _ in QuestionSort.CHOICES]
    for sort, page in [("active", 2), ("newest", 10), ("votes", 50), ("active", last_page // 2)]:
        if page <= last_page:
            paths.append(("list", f"{base}?sort={sort}&page={page}"))
    tags = list(Tag.objects.filter(usage_count__gt=0).order_by("-usage_count", "name"))
    for tag in {tags[0].pk: tags[0], tags[len(tags) // 3].pk: tags[len(tags) // 3]}.values():
        paths.append(("list_tag", reverse("qa:tag_detail", kwargs={"name": tag.name})))
    roots = Category.objects.filter(level=0).order_by("tree_id")
    leaves = Category.objects.filter(level__gt=0, rght=F("lft") + 1).order_by("tree_id", "lft")
    for category in [roots.first(), leaves.first()]:
        if category is not None:
            paths.append(("list_category", category.get_absolute_url()))
    # A view that does nothing, through the same middleware: what any page
    # costs on this machine before it does any work of its own.
    paths.append(("floor", reverse("healthz")))
    return paths


@contextmanager
def _production_like() -> Iterator[None]:
    """DEBUG off (no query log, no debug templates), as a deployed site runs."""
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with override_settings(DEBUG=False, ALLOWED_HOSTS=hosts):
        yield


def _page_cache_on() -> Any:
    # Off without Redis (settings.PAGE_CACHE_SECONDS); the site's cache stands in.
    return override_settings(PAGE_CACHE_SECONDS=3600)


def _connection_setup_ms() -> float | None:
    """What opening a connection costs; requests pay it when CONN_MAX_AGE is 0."""
    if connection.in_atomic_block:
        return None
    times = []
    for _ in range(10):
        connection.close()
        start = time.perf_counter()
        connection.ensure_connection()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 3)


def measure_pages(options: MeasureOptions, *, log: Log = _silent) -> dict[str, Any]:
    """Time the question page and the list pages, anonymous and logged in.

    Server time is the time around ``Client.get`` in this process: URL
    resolution, middleware, the view, its queries and template rendering.
    Precondition: a data set built by ``build_dataset`` is present.
    """
    rng = random.Random(options.seed)
    viewer = User.objects.get(username=VIEWER_USERNAME)
    visible = Post.objects.questions().visible()
    answered = list(visible.filter(answer_count__gt=0).values_list("pk", flat=True))
    unanswered = list(visible.filter(answer_count=0, comment_count=0).values_list("pk", flat=True))
    if not answered or not unanswered:
        raise BenchmarkError("The data set has no answered or no unanswered question.")
    clients = {"anonymous": Client(), "member": Client()}
    clients["member"].force_login(viewer)
    list_paths = _list_paths()
    kinds: dict[tuple[str, str], _Kind] = {}
    per_path: dict[tuple[str, str], list[float]] = defaultdict(list)
    path_queries: dict[tuple[str, str], int] = {}
    probe = _Probe()

    def kind(page: str, viewer_name: str) -> _Kind:
        return kinds.setdefault((page, viewer_name), _Kind(page, viewer_name))

    def timed(page: str, viewer_name: str, path: str) -> float:
        if page.endswith("_cold"):
            cache.clear()
        elapsed, cpu = _get(clients[viewer_name], path)
        observed = kind(page, viewer_name)
        observed.times_ms.append(elapsed)
        observed.cpu_ms.append(cpu)
        return elapsed

    n = min(options.question_samples, len(answered))
    few = min(options.question_samples, len(unanswered))
    # One shuffled schedule for every page and viewer: a slow minute on a
    # shared machine then spreads over all kinds instead of skewing one.
    schedule: list[tuple[str, str, str]] = []
    for viewer_name in clients:
        schedule += [("question", viewer_name, p) for p in _question_paths(rng.sample(answered, n))]
        schedule += [
            ("question_unanswered", viewer_name, p)
            for p in _question_paths(rng.sample(unanswered, few))
        ]
        repeated = list_paths * options.list_repeats
        schedule += [(page, viewer_name, path) for page, path in repeated]
    rng.shuffle(schedule)
    # The same lists with Django's cache emptied first: what a page costs when
    # a cached count or fragment has just expired. Timed after the others, as
    # emptying the cache in between would make every list cold.
    cold = [
        ("list_cold", viewer_name, path)
        for viewer_name in clients
        for page, path in list_paths * options.list_repeats
        if page == "list"
    ]
    rng.shuffle(cold)
    # Queries are counted in a pass of their own: capturing costs time.
    counted: list[tuple[str, str, str]] = []
    for viewer_name in clients:
        counted += [
            ("question", viewer_name, p)
            for p in _question_paths(rng.sample(answered, min(options.query_samples, n)))
        ]
        counted += [
            ("question_unanswered", viewer_name, p)
            for p in _question_paths(rng.sample(unanswered, min(options.query_samples, few)))
        ]
        counted += [(page, viewer_name, path) for page, path in list_paths]
        if viewer_name == "anonymous":
            counted += [("question_cached", viewer_name, p) for p in _question_paths(answered[:3])]
        counted += [("list_cold", viewer_name, path) for page, path in list_paths if page == "list"]

    with _production_like():
        warm = _question_paths(rng.sample(answered, min(options.warmup, len(answered))))
        log(f"Warming up: {len(warm)} question pages and {len(list_paths)} list pages per viewer")
        for client in clients.values():
            for path in warm + [path for _, path in list_paths]:
                _get(client, path)
        gc.collect()
        # Timed without the probe: its wrappers would add their own cost.
        log(f"Timing {len(schedule) + len(cold)} requests in random order …")
        for page, viewer_name, path in schedule + cold:
            elapsed = timed(page, viewer_name, path)
            if page.startswith("list") and not page.endswith("_cold"):
                per_path[(path, viewer_name)].append(elapsed)
        # A visitor's page once the page cache holds it (qa.page_cache), what
        # most requests to a public site are: timed on a second reading.
        with _page_cache_on():
            for path in _question_paths(rng.sample(answered, n)):
                _get(clients["anonymous"], path)
                timed("question_cached", "anonymous", path)
    with _production_like(), probe.installed():
        log(f"Counting the queries and timing the parts of {len(counted)} requests …")
        for page, viewer_name, path in counted:
            with _page_cache_on() if page == "question_cached" else nullcontext():
                if page.endswith("_cold"):
                    cache.clear()
                else:
                    _get(clients[viewer_name], path)  # count what a warm cache serves
                probe.reset()
                with CaptureQueriesContext(connection) as queries:
                    probed, _cpu = _get(clients[viewer_name], path)
            observed = kind(page, viewer_name)
            observed.probed_ms.append(probed)
            observed.sql_ms.append(probe.sql_ms)
            observed.render_ms.append(probe.render_ms)
            observed.query_counts.append(len(queries.captured_queries))
            for sql, ms in probe.statements:
                observed.statements[sql].append(ms)
            if not page.endswith("_cold"):
                path_queries[(path, viewer_name)] = len(queries.captured_queries)

    order = {name: index for index, name in enumerate(_PAGE_LABELS)}
    viewers = list(clients)
    return {
        "pages": [
            kinds[key].summary(options.target_ms)
            for key in sorted(kinds, key=lambda k: (viewers.index(k[1]), order.get(k[0], 99)))
        ],
        "list_paths": [
            {
                "path": path,
                "viewer": viewer_name,
                "median_ms": round(statistics.median(per_path[(path, viewer_name)]), 2),
                "p95_ms": round(_percentile(per_path[(path, viewer_name)], 0.95), 2),
                "queries": path_queries.get((path, viewer_name)),
            }
            for viewer_name in viewers
            for page, path in list_paths
            if page.startswith("list")
        ],
        "connection_setup_ms": _connection_setup_ms(),
    }


# Reporting ------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _python_speed_us() -> float:
    """Median time of a fixed pure-Python loop: compare machines and runs by it."""
    times = []
    for _ in range(50):
        start = time.perf_counter()
        sum(i * i for i in range(10_000))
        times.append((time.perf_counter() - start) * 1_000_000)
    return round(statistics.median(times), 1)


def machine_info() -> dict[str, Any]:
    return {
        "nproc": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "cpu_model": _cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        # Other work on the machine skews timings: keep the load with them.
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "python_loop_us": _python_speed_us(),
    }


def database_info() -> dict[str, Any]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
        else:
            cursor.execute("SELECT version()")
        row = cursor.fetchone()
    name = connection.settings_dict["NAME"]
    return {
        "vendor": connection.vendor,
        "version": str(row[0]) if row else "",
        "name": str(name),
        "conn_max_age": connection.settings_dict.get("CONN_MAX_AGE"),
    }


def build_report(
    *,
    spec: DatasetSpec,
    dataset: dict[str, Any],
    options: MeasureOptions,
    measured: dict[str, Any],
) -> dict[str, Any]:
    return {
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "machine": machine_info(),
        "database": database_info(),
        "dataset": {"spec": asdict(spec) | {"unanswered": spec.unanswered}, **dataset},
        "counts": dataset_counts(),
        "options": asdict(options),
        **measured,
    }


def write_report(report: dict[str, Any], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"report-{report['database']['vendor']}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    return path


_PARTS = [("sql_median_ms", 7), ("render_median_ms", 8), ("other_median_ms", 7)]


def _short_sql(sql: str, width: int = 150) -> str:
    """The statement without its column list, which says little and is long."""
    head, sep, tail = sql.partition(" FROM ")
    text = f"{head.split(' ', 1)[0]} … FROM {tail}" if sep and head.startswith("SELECT") else sql
    return text if len(text) <= width else text[: width - 1] + "…"


def format_report(report: dict[str, Any]) -> str:
    machine, database, counts = report["machine"], report["database"], report["counts"]
    dataset = report["dataset"]
    built = "reused" if dataset["reused"] else f"built in {dataset['build_seconds']} s"
    load = ", ".join(f"{value:g}" for value in machine["load_average"])
    lines = [
        f"Entraide page benchmark — {database['vendor']} {database['version'].split(' on ')[0]}",
        f"Machine: {machine['nproc']} CPU ({machine['cpu_model']}), Python {machine['python']}, "
        f"Django {machine['django']}, load average {load}, Python loop "
        f"{machine['python_loop_us']} µs",
        f"Data: {counts['questions']:,} questions, {counts['answers']:,} answers, "
        f"{counts['comments']:,} comments, {counts['votes']:,} votes, {counts['users']:,} "
        f"users, {counts['tags']} tags, {counts['categories']} categories ({built})",
        "",
        f"{'page':<28}{'viewer':<11}{'n':>5}{'median ms':>11}{'p95 ms':>9}{'sql':>7}"
        f"{'render':>8}{'other':>7}{'queries':>9}  target (median)",
    ]
    for row in report["pages"]:
        queries = (
            row["queries"] if row["fixed_queries"] else "/".join(map(str, row["query_counts"]))
        )
        verdict = "ok" if row["meets_target"] else "MISSED"
        parts = "".join(f"{row[key]:>{width}.2f}" for key, width in _PARTS)
        lines.append(
            f"{_PAGE_LABELS.get(row['page'], row['page']):<28}{row['viewer']:<11}"
            f"{row['samples']:>5}{row['median_ms']:>11.2f}{row['p95_ms']:>9.2f}{parts}"
            f"{queries!s:>9}  ≤{row['target_ms']:g} ms {verdict}"
        )
    lines += [
        "(medians in ms; sql: statement execution; render: templates, less their SQL; "
        "other: the rest — middleware, view code, building queries; the parts come from a\n"
        " separate instrumented pass, the medians and p95 from an uninstrumented one)",
        "",
        f"{'list URL':<46}{'viewer':<11}{'median ms':>10}{'p95 ms':>9}{'queries':>9}",
    ]
    for row in report["list_paths"]:
        lines.append(
            f"{row['path']:<46}{row['viewer']:<11}{row['median_ms']:>10.2f}{row['p95_ms']:>9.2f}"
            f"{row['queries']!s:>9}"
        )
    if report.get("connection_setup_ms") is not None:
        lifetime = (
            "SQLite runs with CONN_MAX_AGE=0, so every request above reconnects and pays it"
            if not database.get("conn_max_age")
            else f"connections live {database['conn_max_age']} s, so requests rarely pay it"
        )
        lines += [
            "",
            f"Opening a database connection: {report['connection_setup_ms']} ms; {lifetime}.",
        ]
    for row in report["pages"]:
        if not row["meets_target"]:
            lines += ["", f"Slowest statements of {row['page']} ({row['viewer']}), median ms:"]
            slowest = row["slowest_statements"]
            lines += [f"  {s['median_ms']:7.2f}  {_short_sql(s['sql'])}" for s in slowest]
    return "\n".join(lines)
