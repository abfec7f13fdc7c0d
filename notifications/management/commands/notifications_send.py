"""Mail the pending notifications: at once, or in due digests (run after commit,
by the scheduler every minute or by cron)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from notifications import mail


class Command(BaseCommand):
    help = "Send notification e-mail: immediate ones, and the daily and weekly digests now due."

    def handle(self, *args: Any, **options: Any) -> None:
        run = mail.mail_send_due()
        self.stdout.write(run.summary())
        if run.failed:
            raise CommandError(f"{len(run.failed)} message(s) failed; they stay pending.")
