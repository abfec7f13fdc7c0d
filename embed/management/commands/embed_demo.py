from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from api import services
from api.models import ApiKey, Scope
from embed.demo import DemoServer
from embed.selectors import featured_answer_id

DEMO_KEY_NAME = "Demo help centre"


class Command(BaseCommand):
    help = (
        "Serve a stand-in help centre on another port (another origin) that embeds the "
        "widget with a fresh demo API key."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--site", default=settings.SITE_URL, help="where Entraide is served")

    def handle(self, *args: Any, port: int, site: str, **options: Any) -> None:
        staff = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
        if staff is None:
            raise CommandError("The demo needs a staff member to own its key (run seed_demo).")
        server = DemoServer(port)
        # A fresh key each start: its secret is shown only once, here in the page.
        for old in ApiKey.objects.filter(name=DEMO_KEY_NAME, revoked_at__isnull=True):
            services.api_key_revoke(staff=staff, key=old)
        created = services.api_key_create(
            staff=staff,
            name=DEMO_KEY_NAME,
            allowed_origins=[server.origin],
            scopes=[Scope.FEEDBACK],
        )
        featured = featured_answer_id()
        card = f"{site}/embed/answers/{featured}/?client={created.row.prefix}" if featured else ""
        server.configure(site=site, key=created.secret, card_src=card)
        self.stdout.write(f"Demo help centre on {server.origin}/ (embedding {site})")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
