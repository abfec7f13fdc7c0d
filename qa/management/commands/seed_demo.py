"""Load the Lumio demo community once; later runs do nothing (``make run`` calls it)."""

from typing import Any

from django.core.management.base import BaseCommand

from qa.demo import DEMO_PASSWORD, demo_seed
from wiki.demo import wiki_demo_seed


class Command(BaseCommand):
    help = "Load the demo community (users, questions, answers, votes) unless it is already there."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = demo_seed()
        # Its own step: a database seeded before the wiki existed gets it too.
        wiki = wiki_demo_seed()
        if wiki is not None:
            self.stdout.write(
                f"Loaded the demo FAQ ({wiki[0]} entries) and wiki ({wiki[1]} pages)."
            )
        if summary is None:
            self.stdout.write("Demo community already loaded; nothing to do.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the demo community: {summary.users} users, {summary.questions} "
                f"questions, {summary.answers} answers, {summary.comments} comments, "
                f"{summary.votes} votes. Log in as alice / {DEMO_PASSWORD}."
            )
        )
