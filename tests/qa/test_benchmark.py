"""The page benchmark on a tiny data set: its rows are consistent and its
report has the promised shape. Timings are not asserted; query counts are."""

from pathlib import Path

import pytest
from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce

from qa import benchmark
from qa.models import Comment, Post, Tag
from tests.factories import UserFactory

SPEC = benchmark.DatasetSpec(questions=30, users=25, tags=20)
FEW = benchmark.MeasureOptions(question_samples=3, list_repeats=1, warmup=1, query_samples=3)
KINDS = [
    "question",
    "question_unanswered",
    "list",
    "list_cold",
    "list_tag",
    "list_category",
    "floor",
]


@pytest.fixture
def dataset(db: None) -> None:
    benchmark.build_dataset(SPEC)


def test_builder_writes_the_rows_asked_for(dataset: None) -> None:
    counts = benchmark.dataset_counts()
    for name, expected in SPEC.expected_counts().items():
        assert counts[name] == expected, name
    assert counts["votes"] > 0


def test_builder_keeps_counters_consistent_with_rows(dataset: None) -> None:
    questions = Post.objects.questions()
    assert not questions.annotate(n=Count("answers")).exclude(answer_count=F("n")).exists()
    assert not Post.objects.annotate(n=Count("comments")).exclude(comment_count=F("n")).exists()
    scores = Post.objects.annotate(total=Coalesce(Sum("votes__value"), 0))
    assert not scores.exclude(score=F("total")).exists()
    assert not Tag.objects.annotate(n=Count("questions")).exclude(usage_count=F("n")).exists()
    for question in questions.prefetch_related("tags"):
        assert sorted(question.tag_names.split()) == sorted(t.name for t in question.tags.all())
    accepted = questions.filter(accepted_answer__isnull=False)
    assert not accepted.exclude(accepted_answer__parent=F("pk")).exists()


def test_builder_gives_each_top_level_comment_its_own_tree(dataset: None) -> None:
    roots = Comment.objects.filter(level=0)
    assert roots.exists()
    assert not roots.exclude(tree_id=F("pk")).exists()
    replies = Comment.objects.filter(level=1)
    assert not replies.exclude(tree_id=F("parent__tree_id")).exists()


def test_dataset_is_reused_when_its_counts_match(dataset: None) -> None:
    assert benchmark.ensure_dataset(SPEC)["reused"] is True


def test_bench_refuses_a_database_it_did_not_fill(db: None) -> None:
    UserFactory()
    with pytest.raises(benchmark.BenchmarkError, match="did not create"):
        benchmark.ensure_dataset(SPEC)


def test_bench_refuses_to_migrate_over_data_it_did_not_create(db: None) -> None:
    UserFactory()
    with pytest.raises(benchmark.BenchmarkError, match="did not create"):
        benchmark.ensure_schema()


def test_schema_fingerprint_is_stable() -> None:
    assert benchmark.schema_fingerprint() == benchmark.schema_fingerprint()


def test_question_page_queries_do_not_grow_with_answers_and_comments(dataset: None) -> None:
    measured = benchmark.measure_pages(FEW)

    pages = {(row["page"], row["viewer"]): row for row in measured["pages"]}
    expected = {(kind, viewer) for kind in KINDS for viewer in ("anonymous", "member")}
    assert set(pages) == expected | {("question_cached", "anonymous")}
    # From the page cache: no query but the view count's (no Redis here).
    assert pages[("question_cached", "anonymous")]["query_counts"] == [1]
    for viewer in ("anonymous", "member"):
        full, empty = pages[("question", viewer)], pages[("question_unanswered", viewer)]
        assert full["fixed_queries"] and empty["fixed_queries"]
        assert full["queries"] == empty["queries"]
        assert pages[("list", viewer)]["fixed_queries"]
        assert pages[("list_tag", viewer)]["fixed_queries"]
    # Logging in adds the session and the member, nothing per answer or comment.
    assert pages[("question", "member")]["queries"] > pages[("question", "anonymous")]["queries"]


def test_report_has_timings_counts_and_machine(dataset: None, tmp_path: Path) -> None:
    measured = benchmark.measure_pages(FEW)
    dataset_info = {"reused": False, "build_seconds": 1.0, "steps": {}}

    report = benchmark.build_report(spec=SPEC, dataset=dataset_info, options=FEW, measured=measured)

    assert {"machine", "database", "dataset", "counts", "pages", "list_paths"} <= set(report)
    assert {"nproc", "cpu_model", "python", "django"} <= set(report["machine"])
    assert report["database"]["vendor"] in {"sqlite", "postgresql"}
    for row in report["pages"]:
        assert row["samples"] > 0
        assert 0 < row["median_ms"] <= row["p95_ms"] <= row["max_ms"]
        assert row["query_counts"]
        if row["page"] == "floor":  # the trivial view renders nothing, and reads nothing
            assert row["viewer"] == "member" or row["query_counts"] == [0]
        elif row["page"] == "question_cached":  # a page rendered earlier
            assert row["render_median_ms"] == 0
        else:
            assert row["render_median_ms"] > 0
    assert all(row["queries"] for row in report["list_paths"])
    path = benchmark.write_report(report, tmp_path)
    assert path.name == f"report-{report['database']['vendor']}.json"
    assert "question list" in benchmark.format_report(report)
