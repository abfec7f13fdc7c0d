from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reputation.badges import badges_backfill


class Command(BaseCommand):
    help = (
        "Re-evaluate every badge rule for all members and posts and award what is missing "
        "(idempotent: run it as often as you like)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="rows read and inserted at a time"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = badges_backfill(batch_size=options["batch_size"])
        for line in report.lines:
            name = f"{line.name} (tag, {line.tier})" if line.tag_name else line.name
            self.stdout.write(f"{name}: {line.awarded} awarded")
        if report.counts_corrected:
            self.stdout.write(
                self.style.WARNING(f"Corrected {report.counts_corrected} badge award count(s).")
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Awarded {report.awarded} badge(s)."
                if report.awarded
                else "Every badge already awarded; nothing to do."
            )
        )
