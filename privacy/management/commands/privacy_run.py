from typing import Any

from django.core.management.base import BaseCommand

from privacy.jobs import privacy_jobs


class Command(BaseCommand):
    help = (
        "Build pending data exports, erase accounts whose grace period is over, and purge "
        "logs past their retention period (run by the scheduler)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(privacy_jobs())
