from typing import Any

from django.core.management.base import BaseCommand

from reputation.bounties import bounties_expire


class Command(BaseCommand):
    help = "Close every open bounty whose time is up (no refund: Stack Exchange's rule)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = bounties_expire()
        for bounty in result.expired:
            self.stdout.write(
                f"Bounty #{bounty.pk} ({bounty.amount} on question #{bounty.question_id}) expired."
            )
        self.stdout.write(self.style.SUCCESS(f"{result.count} bounty(ies) expired."))
