import time
from typing import Any

from django.core.management.base import BaseCommand

from webhooks.delivery import webhooks_deliver_due
from webhooks.services import webhooks_sweep_unanswered

SWEEP_EVERY_SECONDS = 60


class Command(BaseCommand):
    help = (
        "Send due webhook deliveries (retrying with back-off) and record "
        "question.unanswered events; runs until stopped, or once with --once."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--once", action="store_true", help="one sweep and one batch, then exit"
        )
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between batches")

    def handle(self, *args: Any, once: bool = False, interval: float = 1.0, **options: Any) -> None:
        last_sweep = 0.0
        while True:
            if time.monotonic() - last_sweep >= SWEEP_EVERY_SECONDS or once:
                swept = webhooks_sweep_unanswered()
                last_sweep = time.monotonic()
                if swept:
                    self.stdout.write(f"{swept} unanswered question event(s) recorded")
            sent = webhooks_deliver_due()
            if sent:
                self.stdout.write(f"{sent} delivery attempt(s)")
            if once:
                return
            if not sent:
                time.sleep(interval)
