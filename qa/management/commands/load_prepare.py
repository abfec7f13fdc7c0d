"""``scripts/run-load``: what the load test needs from the bench database.

Writes a JSON file for tests/load/locustfile.py: question URLs, tags,
categories and search terms to read; logged-in members (a session and a CSRF
secret each, made here so the load test does not hammer the log-in form,
which is rate limited on purpose); a form token older than the anti-spam
minimum; and an API key for the instant-answer calls, with a limit above the
run's rate (an embedding site gets such a key from staff).

Runs only on the bench's own database (the bench viewer marks it), with the
settings of the server under test: sessions go where that server reads them.
"""

import json
import random
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import User
from api import services as api_services
from moderation.antispam import form_token
from qa.benchmark import _PROBLEMS, _PRODUCTS, VIEWER_USERNAME
from qa.models import Category, Post, Tag, Vote
from reputation import services as reputation

STAFF_USERNAME = "bench-load-staff"
# Comment everywhere needs 50 in the standard preset, the highest right the mix uses.
MEMBER_MIN_REPUTATION = 50
# Members who already voted this much today are skipped (the daily limit is 40).
MEMBER_MAX_VOTES_TODAY = 20


class Command(BaseCommand):
    help = "Write the load test's fixtures (URLs, member sessions, an API key) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, required=True)
        parser.add_argument("--questions", type=int, default=5000)
        parser.add_argument("--members", type=int, default=300)
        parser.add_argument("--seed", type=int, default=11)

    def handle(self, *args: Any, **options: Any) -> None:
        if not User.objects.filter(username=VIEWER_USERNAME).exists():
            raise CommandError("Not a bench database (build one with manage.py bench_pages).")
        rng = random.Random(options["seed"])
        question_rows = list(
            Post.objects.questions()
            .visible()
            .filter(answer_count__gt=0)
            .order_by("?")
            .values_list("pk", "slug")[: options["questions"]]
        )
        answers = list(
            Post.objects.answers()
            .filter(parent_id__in=[pk for pk, _slug in question_rows[:2000]])
            .values_list("pk", "author_id")
        )
        members = self._members(options["members"], answers)
        search_terms = sorted(
            {f"{product} {problem.split()[0]}" for product in _PRODUCTS for problem in _PROBLEMS}
        )
        rng.shuffle(search_terms)
        fixtures: dict[str, Any] = {
            "questions": [f"/questions/{pk}/{slug}/" for pk, slug in question_rows],
            "question_ids": [pk for pk, _slug in question_rows],
            "tags": list(Tag.objects.order_by("-usage_count").values_list("name", flat=True)[:60]),
            "categories": list(Category.objects.values_list("slug", flat=True)),
            "search_terms": search_terms,
            "members": members,
            "form_token": form_token(time.time() - 3600),
            "api_key": self._api_key(),
            "products": _PRODUCTS,
        }
        options["output"].parent.mkdir(parents=True, exist_ok=True)
        options["output"].write_text(json.dumps(fixtures))
        self.stdout.write(
            f"{len(fixtures['questions'])} questions, {len(fixtures['members'])} members "
            f"-> {options['output']}"
        )

    def _members(self, count: int, answers: list[tuple[int, int]]) -> list[dict[str, Any]]:
        day_start = reputation.day_start(timezone.now())
        candidates = (
            User.objects.filter(is_active=True, reputation__gte=MEMBER_MIN_REPUTATION)
            .exclude(username=VIEWER_USERNAME)
            .annotate(votes_today=Count("votes", filter=Q(votes__created_at__gte=day_start)))
            .filter(votes_today__lt=MEMBER_MAX_VOTES_TODAY)
            .order_by("-reputation")[:count]
        )
        members = list(candidates)
        # Posts each member may vote on: not their own, not voted on before
        # (a second identical vote is refused, rightly).
        voted: dict[int, set[int]] = {}
        for user_id, post_id in Vote.objects.filter(
            user__in=members, post_id__in=[pk for pk, _author in answers]
        ).values_list("user_id", "post_id"):
            voted.setdefault(user_id, set()).add(post_id)
        store_class = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
        backend = settings.AUTHENTICATION_BACKENDS[0]
        sessions = []
        for member in members:
            # What django.contrib.auth.login stores for this member.
            store = store_class()
            store[SESSION_KEY] = str(member.pk)
            store[BACKEND_SESSION_KEY] = backend
            store[HASH_SESSION_KEY] = member.get_session_auth_hash()
            store.create()
            sessions.append(
                {
                    "username": member.username,
                    "session": store.session_key,
                    # Django accepts any 32-character secret as the CSRF cookie.
                    "csrf": secrets.token_hex(16),
                    "votable": [
                        pk
                        for pk, author_id in answers
                        if author_id != member.pk and pk not in voted.get(member.pk, set())
                    ][:: max(1, len(answers) // 200)],
                }
            )
        if not sessions:
            raise CommandError("No member of the bench data may comment and vote.")
        return sessions

    def _api_key(self) -> str:
        staff, _created = User.objects.get_or_create(
            username=STAFF_USERNAME,
            defaults={"email": f"{STAFF_USERNAME}@example.com", "is_staff": True},
        )
        created = api_services.api_key_create(
            staff=staff,
            name=f"load test {timezone.now():%Y-%m-%d %H:%M:%S}",
            allowed_origins=[],
            requests_per_minute=100_000,
        )
        return str(created.secret)
