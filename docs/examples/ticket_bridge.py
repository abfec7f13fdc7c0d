"""A worked example: escalate unanswered Entraide questions into a ticketing system.

A tiny WSGI app (standard library only) that receives Entraide webhooks,
verifies each one (signature, age, replay) and opens one ticket per question
that stays unanswered and one per contact-support request. Here "opening a
ticket" appends a line to a JSON-lines file; replace ``open_ticket`` with a
call to your help desk's API.

Run it next to Entraide::

    ENTRAIDE_WEBHOOK_SECRET=whsec_... TICKETS_FILE=tickets.jsonl \\
        python docs/examples/ticket_bridge.py 8025

and register ``http://127.0.0.1:8025/`` on /staff/webhooks/ for the events
``question.unanswered`` and ``support.requested``. See docs/webhooks.md.
"""

import json
import os
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from wsgiref.simple_server import make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from webhooks.signing import SIGNATURE_HEADER, SignatureError, verify

MAX_BODY = 1_000_000
# The events that become tickets; others are acknowledged and ignored.
ESCALATED = {"question.unanswered", "support.requested"}


class TicketBridge:
    def __init__(self, secret: str, tickets_file: Path) -> None:
        self.secret = secret
        self.tickets_file = tickets_file
        self._lock = threading.Lock()
        # Signatures seen in the last few minutes (older ones fail the time
        # check anyway); a real bridge keeps them in Redis or its database.
        self._signatures: set[str] = set()
        self._handled: set[str] = set()

    def _first_seen(self, signature: str) -> bool:
        with self._lock:
            if signature in self._signatures:
                return False
            self._signatures.add(signature)
            return True

    def open_ticket(self, event: dict[str, Any]) -> None:
        if event["event"] == "support.requested":
            request = event["data"]["support_request"]
            ticket = {
                "subject": request["subject"],
                "link": None,
                "description": f"{request['message']}\n\n(Searched the community for "
                f"“{request['searched_for']}”: {request['suggestions_shown']} answers shown, "
                f"{request['suggestions_opened']} opened.)",
                "requester": request["email"],
                "external_id": f"entraide-support-{request['id']}",
            }
        else:
            question = event["data"]["question"]
            ticket = {
                "subject": f"Unanswered in the community: {question['title']}",
                "link": question["url"],
                "description": question["excerpt"],
                "requester": question["asked_by"],
                "external_id": f"entraide-question-{question['id']}",
            }
        with self._lock, self.tickets_file.open("a", encoding="utf-8") as tickets:
            tickets.write(json.dumps(ticket) + "\n")

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY:
            return _problem(start_response, 413, "too-large", "The body is too large.")
        body = environ["wsgi.input"].read(length)
        header = environ.get("HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_"), "")
        try:
            verify(self.secret, header, body, first_seen=self._first_seen)
        except SignatureError as refused:
            return _problem(start_response, refused.status, refused.code, str(refused))
        event = json.loads(body)
        with self._lock:
            # A retry of a delivery handled before (our answer was lost):
            # acknowledge it without a second ticket.
            duplicate = event["id"] in self._handled
            self._handled.add(event["id"])
        if event["event"] in ESCALATED and not duplicate:
            self.open_ticket(event)
        start_response("204 No Content", [])
        return [b""]


def _problem(
    start_response: Callable[..., Any], status: int, code: str, detail: str
) -> list[bytes]:
    reasons = {400: "Bad Request", 401: "Unauthorized", 409: "Conflict", 413: "Content Too Large"}
    body = json.dumps(
        {
            "type": f"about:blank#{code}",
            "title": reasons[status],
            "status": status,
            "detail": detail,
        }
    ).encode()
    start_response(
        f"{status} {reasons[status]}",
        [("Content-Type", "application/problem+json"), ("Content-Length", str(len(body)))],
    )
    return [body]


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8025
    app = TicketBridge(
        os.environ["ENTRAIDE_WEBHOOK_SECRET"], Path(os.environ.get("TICKETS_FILE", "tickets.jsonl"))
    )
    with make_server("127.0.0.1", port, app) as server:
        print(f"Ticket bridge on http://127.0.0.1:{port}/")
        server.serve_forever()
