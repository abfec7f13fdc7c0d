"""Personal data held by the wiki and FAQ (see privacy.registry).

Pages and entries are the site's; the members who wrote, approved or
verified them stay named by their (anonymous, after erasure) account.
"""

from typing import Any

from privacy.registry import register

from .models import FaqEntry, WikiPage


def _contributions(user: Any) -> dict[str, Any]:
    return {
        "wiki_pages_created": list(
            WikiPage.objects.filter(created_by=user).values("path", "title")
        ),
        "faq_entries_created": list(FaqEntry.objects.filter(created_by=user).values("slug")),
    }


register(
    "wiki_and_faq",
    description="Wiki pages and FAQ entries created (kept; their history names user<id>).",
    export=_contributions,
    models=("wiki.WikiPage", "wiki.FaqEntry"),
)
