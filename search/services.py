"""Domain actions of search: synonyms, the search log, support visits and the
deflection ledger, and contact requests.

Each function is one transaction. Effects on other systems (the index
settings, the support e-mail) run after commit from rows written here.
"""

import hashlib
import hmac
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from entraide.errors import ApplicationError
from qa.models import Post
from webhooks.services import webhook_support_requested
from wiki.models import FaqEntry, WikiPage

from . import outbox
from .models import (
    ContactRequest,
    Deflection,
    ItemKind,
    SearchLog,
    SupportVisit,
    Synonym,
    VisitItem,
)
from .selectors import clean_text

logger = logging.getLogger("search")

# A visit with no activity for this long is over: if the customer read a
# suggestion and sent nothing, it counts as an implicit deflection.
SETTLE_AFTER = timedelta(minutes=30)
TERM_MAX = 50
QUERY_MAX = 200


def session_pseudonym(session_key: str) -> str:
    """A keyed hash of the session key: links a visitor's searches, names no one."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"search:{session_key}".encode(), hashlib.sha256).hexdigest()[:32]


# Synonyms ---------------------------------------------------------------------


def clean_terms(terms: str) -> str:
    words = []
    for raw in terms.split(","):
        term = " ".join(raw.split()).lower()
        if len(term) > TERM_MAX:
            raise ValidationError(
                {
                    "terms": _("Each term is at most %(max)d characters: “%(term)s…” is longer.")
                    % {"max": TERM_MAX, "term": term[:20]}
                }
            )
        if term and term not in words:
            words.append(term)
    if len(words) < 2:
        raise ValidationError(
            {"terms": _("Give at least two different terms, separated by commas.")}
        )
    return ", ".join(words)


@transaction.atomic
def synonym_save(*, actor: Any, terms: str, synonym: Synonym | None = None) -> Synonym:
    """Create or change a synonym group; the worker pushes it to the engine."""
    if not actor.is_staff:
        raise PermissionDenied(_("Only staff manage search synonyms."))
    cleaned = clean_terms(terms)
    duplicates = Synonym.objects.filter(terms=cleaned)
    if synonym is not None:
        duplicates = duplicates.exclude(pk=synonym.pk)
    if duplicates.exists():
        raise ValidationError({"terms": _("This synonym group already exists.")})
    synonym = synonym or Synonym()
    synonym.terms = cleaned
    synonym.save()
    outbox.enqueue_settings()
    return synonym


@transaction.atomic
def synonym_delete(*, actor: Any, synonym: Synonym) -> None:
    if not actor.is_staff:
        raise PermissionDenied(_("Only staff manage search synonyms."))
    synonym.delete()
    outbox.enqueue_settings()


# The search log ---------------------------------------------------------------


# Searches typed within this long of the previous one refine it (search as
# you type) and replace it in the log instead of adding a row per keystroke.
REFINE_WITHIN = timedelta(seconds=30)


def search_log_record(
    *,
    session: str,
    source: str,
    query: str,
    filters: dict[str, Any],
    result_count: int,
    is_engine: bool,
) -> SearchLog:
    """Log a search, or update the session's previous one that this one refines."""
    query = query[:QUERY_MAX]
    fields = {
        "query": query,
        "filters": filters,
        "result_count": result_count,
        "is_engine": is_engine,
    }
    previous = (
        SearchLog.objects.filter(
            session=session,
            source=source,
            clicked_at__isnull=True,
            created_at__gte=timezone.now() - REFINE_WITHIN,
        )
        .order_by("-id")
        .first()
    )
    if (
        previous is not None
        and previous.filters == filters
        and (query.startswith(previous.query) or previous.query.startswith(query))
    ):
        SearchLog.objects.filter(pk=previous.pk).update(**fields, created_at=timezone.now())
        previous.__dict__.update(fields)
        return previous
    return SearchLog.objects.create(session=session, source=source, **fields)


def search_click_record(*, log_id: int, session: str, document: str, position: int) -> bool:
    """Record the first result a search's visitor opened (a single UPDATE)."""
    updated = SearchLog.objects.filter(pk=log_id, session=session, clicked_at__isnull=True).update(
        clicked_document=document[:40], clicked_position=position, clicked_at=timezone.now()
    )
    return bool(updated)


# Support visits and the deflection ledger ----------------------------------------


def _author_of(item_kind: str, item_id: int) -> int | None:
    """Who a deflection by this item is credited to."""
    if item_kind in (ItemKind.ANSWER, ItemKind.QUESTION):
        return Post.objects.filter(pk=item_id).values_list("author_id", flat=True).first()
    if item_kind == ItemKind.FAQ:
        # A promoted entry credits the answer's author, as its page does.
        row = FaqEntry.objects.filter(pk=item_id).values("attributed_to_id", "created_by_id")
        first = row.first()
        return (first["attributed_to_id"] or first["created_by_id"]) if first else None
    if item_kind == ItemKind.WIKI:
        return WikiPage.objects.filter(pk=item_id).values_list("created_by_id", flat=True).first()
    return None


def _open_visit(visit_id: int, session: str) -> SupportVisit:
    """The visit, locked; only its own session may move it, and only while open."""
    visit = SupportVisit.objects.select_for_update().filter(pk=visit_id, session=session).first()
    if visit is None:
        raise ValidationError(_("This support visit does not exist or has expired."))
    if visit.outcome != SupportVisit.Outcome.OPEN:
        raise ApplicationError(_("This visit has already ended."), code="visit_ended")
    return visit


@transaction.atomic
def visit_start(*, flow: str, session: str, query: str = "") -> SupportVisit:
    return SupportVisit.objects.create(flow=flow, session=session, query=query[:QUERY_MAX])


@transaction.atomic
def visit_show(
    *, visit_id: int, session: str, query: str, items: list[tuple[str, int]]
) -> SupportVisit:
    """Record the items a visit's customer was shown for ``query``."""
    visit = _open_visit(visit_id, session)
    start = VisitItem.objects.filter(visit=visit).count()
    VisitItem.objects.bulk_create(
        [
            VisitItem(visit=visit, item_kind=kind, item_id=item_id, position=start + n)
            for n, (kind, item_id) in enumerate(items)
        ],
        ignore_conflicts=True,
    )
    SupportVisit.objects.filter(pk=visit.pk).update(
        query=query[:QUERY_MAX], last_seen_at=timezone.now()
    )
    return visit


@transaction.atomic
def visit_open_item(*, visit_id: int, session: str, item_kind: str, item_id: int) -> None:
    """The customer opened a suggestion (first open counts)."""
    visit = _open_visit(visit_id, session)
    now = timezone.now()
    item, _created = VisitItem.objects.get_or_create(
        visit=visit,
        item_kind=item_kind,
        item_id=item_id,
        defaults={"position": VisitItem.objects.filter(visit=visit).count()},
    )
    VisitItem.objects.filter(pk=item.pk, opened_at__isnull=True).update(opened_at=now)
    SupportVisit.objects.filter(pk=visit.pk).update(last_seen_at=now)


@transaction.atomic
def visit_solved(*, visit_id: int, session: str, item_kind: str, item_id: int) -> Deflection:
    """ "This solved it": an explicit deflection, credited to the item and its author."""
    visit = _open_visit(visit_id, session)
    if not VisitItem.objects.filter(visit=visit, item_kind=item_kind, item_id=item_id).exists():
        raise ValidationError(_("This suggestion was not shown in this visit."))
    now = timezone.now()
    SupportVisit.objects.filter(pk=visit.pk).update(
        outcome=SupportVisit.Outcome.SOLVED, ended_at=now, last_seen_at=now
    )
    return Deflection.objects.create(
        visit=visit,
        kind=Deflection.Kind.EXPLICIT,
        item_kind=item_kind,
        item_id=item_id,
        author_id=_author_of(item_kind, item_id),
    )


@transaction.atomic
def visit_end_with_request(*, visit_id: int, session: str) -> None:
    """The customer sent the request anyway (or asked the question): no deflection."""
    visit = _open_visit(visit_id, session)
    now = timezone.now()
    SupportVisit.objects.filter(pk=visit.pk).update(
        outcome=SupportVisit.Outcome.REQUEST_SENT, ended_at=now, last_seen_at=now
    )


def visit_end_with_question(*, visit_id: int) -> None:
    """The customer asked their question after seeing suggestions: no deflection.

    ``visit_id`` comes from the asker's own server-side session, so no
    session check; a visit that already ended stays as it is.
    """
    now = timezone.now()
    SupportVisit.objects.filter(pk=visit_id, outcome=SupportVisit.Outcome.OPEN).update(
        outcome=SupportVisit.Outcome.REQUEST_SENT, ended_at=now, last_seen_at=now
    )


def embed_visitor(
    *, client: str, address: str, agent: str, item_kind: str, item_id: int, day: Any
) -> str:
    """A keyed hash naming one visitor of a client's help centre (address and
    browser), one item and one day; nothing about the visitor can be read from it."""
    key = settings.SECRET_KEY.encode()
    message = f"embed:{client}:{address}:{agent[:200]}:{item_kind}:{item_id}:{day}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:32]


@transaction.atomic
def embed_feedback_record(
    *, visitor: str, item_kind: str, item_id: int, is_helpful: bool, query: str = ""
) -> tuple[SupportVisit, bool]:
    """ "Was this helpful?" from a widget or an embedded card, into the ledger the
    site uses: a visit that showed and opened the item and ended solved (an
    explicit deflection credited to the item and its author) or not helped.

    ``visitor`` comes from ``embed_visitor``: a visitor's first answer about an
    item on a day counts, later ones change nothing (the database's unique
    constraint decides, so concurrent clicks count once). Returns the visit and
    whether this call recorded it.
    """
    if item_kind == ItemKind.ANSWER:
        exists = (
            Post.objects.answers()
            .visible()
            .filter(pk=item_id, parent__deleted_at__isnull=True)
            .exists()
        )
        if not exists:
            raise ValidationError(_("This answer does not exist or was deleted."))
    now = timezone.now()
    outcome = SupportVisit.Outcome.SOLVED if is_helpful else SupportVisit.Outcome.NOT_HELPED
    try:
        with transaction.atomic():
            visit = SupportVisit.objects.create(
                flow=SupportVisit.Flow.EMBED,
                session=visitor,
                query=clean_text(query, QUERY_MAX),
                outcome=outcome,
                started_at=now,
                last_seen_at=now,
                ended_at=now,
            )
    except IntegrityError:
        return SupportVisit.objects.get(flow=SupportVisit.Flow.EMBED, session=visitor), False
    VisitItem.objects.create(
        visit=visit, item_kind=item_kind, item_id=item_id, position=0, shown_at=now, opened_at=now
    )
    if is_helpful:
        Deflection.objects.create(
            visit=visit,
            kind=Deflection.Kind.EXPLICIT,
            item_kind=item_kind,
            item_id=item_id,
            author_id=_author_of(item_kind, item_id),
            created_at=now,
        )
    return visit, True


def _deliver(request_id: int) -> None:
    """Send a contact request to support; on failure it stays undelivered for a retry."""
    request = ContactRequest.objects.select_related("visit").get(pk=request_id)
    body = _(
        "From: %(email)s\nSearched for: %(query)s\n"
        "Suggestions shown: %(shown)d, opened: %(opened)d\n\n%(message)s"
    ) % {
        "email": request.email,
        "query": request.visit.query,
        "shown": request.visit.items.count(),
        "opened": request.visit.items.filter(opened_at__isnull=False).count(),
        "message": request.message,
    }
    message = EmailMessage(
        subject=f"[support] {request.subject}",
        body=body,
        to=[settings.SUPPORT["EMAIL"]],
        reply_to=[request.email],
    )
    try:
        message.send()
    except Exception:
        logger.exception("contact request %s not delivered; it is retried later", request_id)
        return
    ContactRequest.objects.filter(pk=request_id).update(delivered_at=timezone.now())


@transaction.atomic
def contact_request_send(
    *, visit_id: int, session: str, user: Any, email: str, subject: str, message: str
) -> ContactRequest:
    """Send a support request: the visit ends without deflection; mail goes after commit."""
    errors = {}
    if not subject.strip():
        errors["subject"] = _("Say in a few words what the problem is.")
    elif len(subject) > 150:
        errors["subject"] = _("The subject is at most 150 characters (it has %(n)d).") % {
            "n": len(subject)
        }
    if len(message.strip()) < 20:
        errors["message"] = _("Describe the problem in at least 20 characters.")
    elif len(message) > 10_000:
        errors["message"] = _("The description is at most 10,000 characters (it has %(n)d).") % {
            "n": len(message)
        }
    if errors:
        raise ValidationError(errors)
    visit = _open_visit(visit_id, session)
    if not visit.items.exists():
        raise ApplicationError(
            _("Look at the suggested answers first: search for your problem above."),
            code="suggestions_not_shown",
        )
    visit_end_with_request(visit_id=visit.pk, session=session)
    request = ContactRequest.objects.create(
        visit=visit,
        user=user if getattr(user, "is_authenticated", False) else None,
        email=email,
        subject=subject.strip(),
        message=message.strip(),
    )
    items = VisitItem.objects.filter(visit=visit)
    webhook_support_requested(
        request=request,
        searched_for=visit.query,
        shown=items.count(),
        opened=items.filter(opened_at__isnull=False).count(),
    )
    transaction.on_commit(lambda: _deliver(request.pk))
    return request


def contact_requests_deliver() -> int:
    """Retry every request whose e-mail failed; return how many remain undelivered."""
    for request_id in ContactRequest.objects.filter(delivered_at__isnull=True).values_list(
        "pk", flat=True
    ):
        _deliver(request_id)
    return ContactRequest.objects.filter(delivered_at__isnull=True).count()


@transaction.atomic
def visits_settle(*, now: Any = None) -> int:
    """End quiet visits: read a suggestion and left → implicit deflection; else abandoned."""
    now = now or timezone.now()
    quiet = list(
        SupportVisit.objects.select_for_update(skip_locked=True).filter(
            outcome=SupportVisit.Outcome.OPEN, last_seen_at__lte=now - SETTLE_AFTER
        )
    )
    opened = list(
        VisitItem.objects.filter(visit__in=quiet, opened_at__isnull=False).order_by("opened_at")
    )
    read_visits = {item.visit_id for item in opened}
    Deflection.objects.bulk_create(
        [
            Deflection(
                visit_id=item.visit_id,
                kind=Deflection.Kind.IMPLICIT,
                item_kind=item.item_kind,
                item_id=item.item_id,
                author_id=_author_of(item.item_kind, item.item_id),
                created_at=now,
            )
            for item in opened
        ],
        ignore_conflicts=True,
    )
    SupportVisit.objects.filter(pk__in=read_visits).update(
        outcome=SupportVisit.Outcome.LEFT_AFTER_READING, ended_at=F("last_seen_at")
    )
    SupportVisit.objects.filter(Q(pk__in=[v.pk for v in quiet]) & ~Q(pk__in=read_visits)).update(
        outcome=SupportVisit.Outcome.ABANDONED, ended_at=F("last_seen_at")
    )
    return len(quiet)
