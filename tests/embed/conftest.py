from typing import Any

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from wiki.models import FaqEntry, FaqStatus

# The help centre's origin, which the tests' API keys allow.
ORIGIN = "https://help.lumio.example"


@pytest.fixture
def staff(db: Any) -> Any:
    return UserFactory(is_staff=True)


def published_faq_entry(*, question: str, slug: str, answer: str, **more: Any) -> FaqEntry:
    """A published FAQ entry, written straight to the table (its workflow is
    tested in tests/wiki)."""
    return FaqEntry.objects.create(
        question=question,
        slug=slug,
        answer_source=answer,
        answer_html=f"<p>{answer}</p>",
        status=FaqStatus.PUBLISHED,
        published_at=timezone.now(),
        **more,
    )
