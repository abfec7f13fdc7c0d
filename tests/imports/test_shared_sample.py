"""Import the real dumps in ../shared (CC BY-SA, never copied into the repository)."""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Count, F, Q

from imports.models import ImportedPost
from imports.services import import_dump
from qa.models import Comment, Post, PostLink, Tag
from reputation.services import reputation_audit

SHARED = Path(settings.BASE_DIR).parent / "shared" / "data" / "stackexchange"
AI = SHARED / "ai.stackexchange.com"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (AI / "Posts.xml").exists(),
        reason=f"the shared Stack Exchange dumps are not at {SHARED} (../shared is absent)",
    ),
]


def dump_rows(path: Path) -> list[dict[str, str]]:
    return [dict(el.attrib) for _, el in ET.iterparse(path) if el.tag == "row"]


def test_the_complete_sample_imports_cleanly_and_consistently() -> None:
    summary = import_dump(AI)
    assert summary.problems == []
    posts = dump_rows(AI / "Posts.xml")
    questions = [row for row in posts if row["PostTypeId"] == "1"]
    assert Post.objects.questions().count() == len(questions) == 421
    assert Post.objects.answers().count() == 749
    assert Post.objects.filter(accepted_answer__isnull=False).count() == 212
    assert Comment.objects.count() == 1165
    assert Post.objects.filter(close_reason="duplicate", duplicate_of__isnull=False).exists()
    assert PostLink.objects.filter(link_type=PostLink.LinkType.LINKED).exists()
    # Our counters agree with the dump's own and with our rows.
    ours = dict(
        ImportedPost.objects.filter(post__post_type="question").values_list(
            "source_id", "post__answer_count"
        )
    )
    assert {int(row["Id"]): int(row.get("AnswerCount", 0)) for row in questions} == ours
    for tag in dump_rows(AI / "Tags.xml"):
        assert Tag.objects.get(name=tag["TagName"]).usage_count == int(tag["Count"])
    assert not Post.objects.annotate(n=Count("comments")).exclude(comment_count=F("n"))
    scores = {int(row["Id"]): int(row["Score"]) for row in posts if row["PostTypeId"] in "12"}
    assert dict(ImportedPost.objects.values_list("source_id", "post__score")) == scores
    assert reputation_audit() == []
    assert not Post.objects.filter(
        Q(body_html__icontains="<script") | Q(body_html__icontains="javascript:")
    ).exists()

    again = import_dump(AI)
    assert again.files["Posts.xml"].imported == 0 and again.files["Posts.xml"].updated == 0
    assert again.files["Comments.xml"].unchanged == 1165


def test_every_shared_site_imports_into_one_database() -> None:
    sites = sorted(path for path in SHARED.iterdir() if (path / "Posts.xml").exists())
    questions = 0
    for site in sites:
        summary = import_dump(site)
        assert summary.problems == [], (site.name, summary.problems[:5])
        questions += sum(1 for row in dump_rows(site / "Posts.xml") if row["PostTypeId"] == "1")
    assert Post.objects.questions().count() == questions
    assert (
        not Post.objects.questions()
        .annotate(n=Count("answers", filter=Q(answers__deleted_at__isnull=True)))
        .exclude(answer_count=F("n"))
    )
    used = Count("questions", filter=Q(questions__deleted_at__isnull=True))
    assert not Tag.objects.annotate(n=used).exclude(usage_count=F("n"))
    assert reputation_audit() == []
