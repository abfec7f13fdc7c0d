from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reputation.services import reputation_audit


class Command(BaseCommand):
    help = "Recompute every member's reputation from the ledger; report (and --fix) differences."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fix", action="store_true", help="set differing totals to the ledger's value"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        differences = reputation_audit(fix=options["fix"])
        for d in differences:
            self.stdout.write(
                f"{d.username} (#{d.user_id}): cached {d.cached}, ledger says {d.ledger}"
            )
        if not differences:
            self.stdout.write(self.style.SUCCESS("Every reputation matches the ledger."))
        elif options["fix"]:
            self.stdout.write(self.style.SUCCESS(f"Repaired {len(differences)} member(s)."))
        else:
            self.stdout.write(self.style.WARNING(f"{len(differences)} member(s) differ."))
            raise SystemExit(1)
