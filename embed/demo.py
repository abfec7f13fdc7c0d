"""A stand-in help centre on another origin, embedding the widget and a card.

Served by its own small HTTP server on another port than the site, so the
browser treats it as a different origin — as a customer's help centre is —
and CORS, frame-ancestors and the key's allowed origins are really exercised.
"""

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PAGE = """<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lumio help centre (demo)</title>
<style>
  body {{ font-family: Georgia, serif; margin: 0; background: #fbf7f0; color: #2b2118; }}
  header {{ background: #3d2b1f; color: #fff; padding: 16px 24px; }}
  main {{ max-width: 760px; margin: 24px auto; padding: 0 16px; }}
  .entraide-widget {{ --entraide-accent: #a0522d; --entraide-radius: 10px; }}
</style></head>
<body>
<header><h1>Lumio help centre</h1><p>A demo page on {origin}: not Entraide's origin.</p></header>
<main>
<p>Search the Lumio community before you contact us.</p>
<div id="help"></div>
<script src="{site}/embed/widget.js" data-key="{key}" data-target="#help" async></script>
{card}
</main>
</body></html>
"""

CARD = """<h2>A featured answer</h2>
<iframe title="A featured answer from the Lumio community" src="{src}" width="600" height="320"
        style="border:0" loading="lazy"></iframe>"""


class DemoServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.page = "<!doctype html><title>not ready</title>"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def configure(self, *, site: str, key: str, card_src: str = "", lang: str = "en") -> None:
        card = CARD.format(src=html.escape(card_src)) if card_src else ""
        self.page = PAGE.format(
            site=html.escape(site.rstrip("/")),
            key=html.escape(key),
            origin=self.origin,
            card=card,
            lang=lang,
        )

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, daemon=True)
        thread.start()
        return thread


class _Handler(BaseHTTPRequestHandler):
    server: DemoServer

    def do_GET(self) -> None:
        body = self.server.page.encode()
        self.send_response(200 if self.path in ("/", "/index.html") else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass
