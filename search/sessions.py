"""The visitor's session as search sees it: a pseudonym and the open support visits."""

from django.http import HttpRequest

from .services import session_pseudonym

VISITS_KEY = "search_support_visits"


def pseudonym(request: HttpRequest) -> str:
    """The session's pseudonym, starting a session for a first-time visitor."""
    if not request.session.session_key:
        request.session.save()
    return session_pseudonym(str(request.session.session_key))


def visit_id(request: HttpRequest, flow: str) -> int | None:
    value = request.session.get(VISITS_KEY, {}).get(flow)
    return int(value) if value else None


def remember_visit(request: HttpRequest, flow: str, visit_id: int | None) -> None:
    visits = dict(request.session.get(VISITS_KEY, {}))
    if visit_id is None:
        visits.pop(flow, None)
    else:
        visits[flow] = visit_id
    request.session[VISITS_KEY] = visits
