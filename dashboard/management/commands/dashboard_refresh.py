"""Rebuild the dashboard's rollups (the scheduler runs it every 10 minutes, and
in full daily)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dashboard.refresh import dashboard_refresh


class Command(BaseCommand):
    help = "Rebuild the staff dashboard's rollups: the recent weeks, or everything with --full."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--full", action="store_true", help="rebuild every week, not the recent ones"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(dashboard_refresh(full=options["full"]).summary())
