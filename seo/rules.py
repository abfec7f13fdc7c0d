"""Which pages search engines should index, and the structured data they read.

A question is indexable unless it is deleted, closed as a duplicate (its
original is the page to index) or of low quality: voted below zero with no
answer. Non-indexable questions get ``noindex`` and stay out of the sitemap.
"""

from typing import Any

from django.conf import settings
from django.db.models import Q

from qa.models import CloseReason, Post

LOW_QUALITY_SCORE = 0  # below this, and unanswered


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def indexable_questions_q() -> Q:
    """The sitemap's filter: the same rule as ``is_indexable``, in SQL."""
    return (
        Q(post_type="question", deleted_at__isnull=True)
        & ~Q(closed_at__isnull=False, close_reason=CloseReason.DUPLICATE)
        & ~Q(score__lt=LOW_QUALITY_SCORE, answer_count=0)
    )


def is_indexable(question: Post) -> bool:
    if question.is_deleted:
        return False
    if question.is_closed and question.close_reason == CloseReason.DUPLICATE:
        return False
    return not (question.score < LOW_QUALITY_SCORE and question.answer_count == 0)


def _person(user: Any) -> dict[str, Any]:
    return {"@type": "Person", "name": user.public_name, "url": absolute(user.get_absolute_url())}


def _answer(answer: Post, question_url: str) -> dict[str, Any]:
    return {
        "@type": "Answer",
        "text": answer.body_html,
        "datePublished": answer.created_at.isoformat(),
        "upvoteCount": answer.score,
        "url": f"{question_url}#answer-{answer.pk}",
        "author": _person(answer.author),
    }


def qa_page(question: Post, answers: list[Post]) -> dict[str, Any] | None:
    """schema.org ``QAPage`` for a question with an accepted answer or a top
    (positively voted) one; ``None`` otherwise, or when it is not indexable.

    ``answers`` are the visible answers, accepted first then by score, as the
    question page shows them.
    """
    if not is_indexable(question):
        return None
    visible = [answer for answer in answers if not answer.is_deleted]
    accepted = next((a for a in visible if a.pk == question.accepted_answer_id), None)
    suggested = [a for a in visible if a is not accepted and a.score > 0][:5]
    if accepted is None and not suggested:
        return None
    url = absolute(question.get_absolute_url())
    entity: dict[str, Any] = {
        "@type": "Question",
        "name": question.title,
        "text": question.body_html,
        "answerCount": len(visible),
        "upvoteCount": question.score,
        "datePublished": question.created_at.isoformat(),
        "author": _person(question.author),
    }
    if accepted is not None:
        entity["acceptedAnswer"] = _answer(accepted, url)
    if suggested:
        entity["suggestedAnswer"] = [_answer(answer, url) for answer in suggested]
    return {"@context": "https://schema.org", "@type": "QAPage", "mainEntity": entity}


def faq_page(entries: list[tuple[str, str]], *, url: str = "") -> dict[str, Any] | None:
    """schema.org ``FAQPage`` from (question, answer HTML) pairs, the published
    entries the FAQ page shows; ``None`` when empty. ``url``: the page's path."""
    entries = [(q, a) for q, a in entries if q.strip() and a.strip()]
    if not entries:
        return None
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "FAQPage"}
    if url:
        data["url"] = absolute(url)
    data["mainEntity"] = [
        {
            "@type": "Question",
            "name": question,
            "acceptedAnswer": {"@type": "Answer", "text": answer},
        }
        for question, answer in entries
    ]
    return data


def wiki_page_is_indexable(page: Any) -> bool:
    """A wiki page without text (a placeholder) is thin content; the home page
    lists the others and is always indexable."""
    return page.parent_id is None or bool(page.body_html.strip())


def indexable_wiki_pages_q() -> Q:
    """``wiki_page_is_indexable`` in SQL, for the sitemap."""
    return Q(parent__isnull=True) | ~Q(body_html="")
