from typing import Any

from django.core.management.base import BaseCommand

from accounts.models import User
from reputation.serial_voting import serial_votes_reverse


class Command(BaseCommand):
    help = (
        "Reverse serial voting: a member's many votes on one author's posts within the "
        "window (REPUTATION SERIAL_VOTES_THRESHOLD, SERIAL_VOTES_WINDOW_HOURS)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = serial_votes_reverse()
        ids = {pk for pair in result.pairs for pk in (pair.voter_id, pair.author_id)}
        names = dict(User.objects.filter(pk__in=ids).values_list("pk", "username"))
        for pair in result.pairs:
            self.stdout.write(
                f"{names.get(pair.voter_id)} (#{pair.voter_id}) on the posts of "
                f"{names.get(pair.author_id)} (#{pair.author_id}): {pair.votes} vote(s) "
                f"invalidated, {pair.reversals} ledger row(s) reversed."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Serial voting: {result.votes} vote(s) invalidated, "
                f"{result.reversals} ledger row(s) reversed."
            )
        )
