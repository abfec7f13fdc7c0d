"""Search documents built from the database, in bulk.

A question's document carries its answers' text (the accepted one and the
best-scored others), so a search matches the thread as a whole. Deleted
questions and answers (including spam, which is deleted as spam) are never
built: the worker deletes their documents instead.

FAQ entries and wiki pages share the index and its fields, told apart by
``type``: a FAQ entry's question is its ``title`` (the first searchable
attribute) and its answer its ``body``; a wiki page's breadcrumb is its
``category_path``. Only published FAQ entries are built; an entry taken back
to draft has its document deleted like a deleted question.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from entraide.links import link
from entraide.rendering import plain_text
from qa.models import Category, Post, PostType
from qa.selectors import category_tree
from wiki.models import FaqEntry, FaqStatus, WikiPage, wiki_url

from .models import DocumentKind
from .schema import detect_language
from .stemming import document_stems

# Enough text for matching; a very long answer adds noise, not recall.
ANSWER_TEXT_MAX = 4000
BODY_TEXT_MAX = 8000


def document_id(kind: str, object_id: int) -> str:
    return f"{kind}-{object_id}"


def parse_document_id(value: str) -> tuple[str, int] | None:
    kind, _, number = value.partition("-")
    if kind not in DocumentKind.values or not number.isdigit() or len(number) > 18:
        return None
    return kind, int(number)


def _status(question: Any) -> str:
    if question["closed_at"] is None:
        return "open"
    return "duplicate" if question["close_reason"] == "duplicate" else "closed"


def _timestamp(value: Any) -> int:
    return int(value.timestamp())


def _category_paths() -> dict[int, list[str]]:
    """Each category's path of names (one read of the cached tree per batch)."""
    tree = {category.pk: category for category in category_tree()}
    paths: dict[int, list[str]] = {}
    for category in tree.values():
        names: list[str] = []
        current: Category | None = category
        while current is not None:
            names.append(current.name)
            current = tree.get(current.parent_id) if current.parent_id else None
        paths[category.pk] = names[::-1]
    return paths


def question_documents(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The documents of the indexable questions among ``ids`` (three queries)."""
    questions = list(
        Post.objects.filter(pk__in=list(ids), post_type=PostType.QUESTION, deleted_at=None).values(
            "id",
            "title",
            "slug",
            "body_html",
            "tag_names",
            "category_id",
            "accepted_answer_id",
            "score",
            "answer_count",
            "closed_at",
            "close_reason",
            "created_at",
            "last_activity_at",
            "author_id",
        )
    )
    answers: dict[int, list[Any]] = defaultdict(list)
    rows = (
        Post.objects.filter(
            parent_id__in=[q["id"] for q in questions], post_type=PostType.ANSWER, deleted_at=None
        )
        .order_by("parent_id", "-score", "id")
        .values("id", "parent_id", "body_html", "score", "author_id")
    )
    for row in rows:
        answers[row["parent_id"]].append(row)
    top = int(settings.SEARCH["TOP_ANSWERS"])
    paths = _category_paths()
    documents: dict[int, dict[str, Any]] = {}
    for question in questions:
        thread = answers.get(question["id"], [])
        accepted = next((a for a in thread if a["id"] == question["accepted_answer_id"]), None)
        others = [a for a in thread if a is not accepted][:top]
        # The answer credited when this result helps a customer.
        best = accepted or (thread[0] if thread and thread[0]["score"] >= 0 else None)
        body = plain_text(question["body_html"])[:BODY_TEXT_MAX]
        path = paths.get(question["category_id"], [])
        tags = question["tag_names"].split()
        language = detect_language(f"{question['title']} {body}")
        documents[question["id"]] = {
            "id": document_id(DocumentKind.QUESTION, question["id"]),
            "type": DocumentKind.QUESTION.value,
            "object_id": question["id"],
            "title": question["title"],
            "body": body,
            "tags": tags,
            "category": path,
            "category_path": " › ".join(path),
            "accepted_answer": plain_text(accepted["body_html"])[:ANSWER_TEXT_MAX]
            if accepted
            else "",
            "answers": [plain_text(a["body_html"])[:ANSWER_TEXT_MAX] for a in others],
            "best_answer_id": best["id"] if best else None,
            "score": question["score"],
            "answer_count": question["answer_count"],
            "is_answered": question["answer_count"] > 0,
            "has_accepted": accepted is not None,
            "status": _status(question),
            "language": language,
            "stems": document_stems(question["title"], tags, body, language),
            "created_at": _timestamp(question["created_at"]),
            "updated_at": _timestamp(question["last_activity_at"]),
            "url": link("qa:question_detail", pk=question["id"], slug=question["slug"]),
        }
    return documents


def _curated(
    kind: DocumentKind, row: Mapping[str, Any], *, title: str, body_html: str, path: list[str]
) -> dict[str, Any]:
    """The fields a FAQ entry and a wiki page share: no tags, no answers of their own."""
    body = plain_text(body_html)[:BODY_TEXT_MAX]
    language = detect_language(f"{title} {body}")
    return {
        "id": document_id(kind, row["id"]),
        "type": kind.value,
        "object_id": row["id"],
        "title": title,
        "body": body,
        "tags": [],
        "category_path": " › ".join(path),
        "accepted_answer": "",
        "answers": [],
        "best_answer_id": None,
        # Readers' "was this helpful?" votes play the part of a post's score.
        "score": row["helpful_yes"] - row["helpful_no"],
        "answer_count": 0,
        # Curated content is an answer in itself.
        "is_answered": True,
        "has_accepted": False,
        "status": "published",
        "language": language,
        "stems": document_stems(title, [], body, language),
        "created_at": _timestamp(row["created_at"]),
        "updated_at": _timestamp(row["updated_at"]),
    }


def faq_documents(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The documents of the published FAQ entries among ``ids`` (one query)."""
    rows = FaqEntry.objects.filter(pk__in=list(ids), status=FaqStatus.PUBLISHED).values(
        "id", "question", "slug", "answer_html", "category_id", "helpful_yes", "helpful_no",
        "created_at", "updated_at",
    )  # fmt: skip
    paths = _category_paths()
    documents = {}
    for row in rows:
        path = paths.get(row["category_id"], [])
        documents[row["id"]] = {
            **_curated(
                DocumentKind.FAQ,
                row,
                title=row["question"],
                body_html=row["answer_html"],
                path=path,
            ),
            "category": path,
            "url": link("wiki:faq_entry", slug=row["slug"]),
        }
    return documents


def _ancestor_paths(path: str) -> list[str]:
    """``"a/b/c"`` → ``["", "a", "a/b"]``: the paths of a wiki page's ancestors."""
    parts = path.split("/") if path else []
    return ["/".join(parts[:n]) for n in range(len(parts))]


def wiki_documents(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The documents of the wiki pages among ``ids`` (two queries: pages, ancestors' titles)."""
    rows = list(
        WikiPage.objects.filter(pk__in=list(ids)).values(
            "id", "path", "title", "body_html", "helpful_yes", "helpful_no",
            "created_at", "updated_at",
        )
    )  # fmt: skip
    wanted = {ancestor for row in rows for ancestor in _ancestor_paths(row["path"])}
    titles = dict(WikiPage.objects.filter(path__in=wanted).values_list("path", "title"))
    documents = {}
    for row in rows:
        crumbs = [titles[p] for p in _ancestor_paths(row["path"]) if p in titles]
        documents[row["id"]] = {
            **_curated(
                DocumentKind.WIKI, row, title=row["title"], body_html=row["body_html"], path=crumbs
            ),
            "category": [],
            "url": wiki_url(row["path"]),
        }
    return documents


BUILDERS = {
    DocumentKind.QUESTION.value: question_documents,
    DocumentKind.FAQ.value: faq_documents,
    DocumentKind.WIKI.value: wiki_documents,
}


def indexable_ids(kind: str) -> Iterable[int]:
    """Every id of ``kind`` that belongs in the index (for a full reindex)."""
    rows: QuerySet[Any]
    if kind == DocumentKind.QUESTION:
        rows = Post.objects.filter(post_type=PostType.QUESTION, deleted_at=None)
    elif kind == DocumentKind.FAQ:
        rows = FaqEntry.objects.filter(status=FaqStatus.PUBLISHED)
    elif kind == DocumentKind.WIKI:
        rows = WikiPage.objects.all()
    else:
        return []
    return rows.order_by("id").values_list("id", flat=True).iterator(chunk_size=5000)
