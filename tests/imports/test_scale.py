"""The N-times-larger dump used to show the importer's memory stays flat."""

from pathlib import Path

import pytest

from imports.scale import write_scaled_dump
from qa.models import Comment, Post, Tag
from tests.imports.conftest import FIXTURE, run_import

pytestmark = pytest.mark.django_db


def test_a_scaled_dump_is_one_consistent_site_n_times_larger(tmp_path: Path) -> None:
    run_import(FIXTURE, site_name="one.example.com")
    questions, answers = Post.objects.questions().count(), Post.objects.answers().count()
    comments, tags = Comment.objects.count(), Tag.objects.count()

    write_scaled_dump(FIXTURE, tmp_path / "x3", 3)
    summary = run_import(tmp_path / "x3", site_name="three.example.com")
    assert Post.objects.questions().count() == 4 * questions
    assert Post.objects.answers().count() == 4 * answers
    assert Comment.objects.count() == 4 * comments
    assert Tag.objects.count() == tags  # tags are shared by name
    assert len(summary.problems) == 3 * 12  # each copy's bad rows, reported by id
    text = (tmp_path / "x3" / "PostHistory.xml").read_text()
    assert text.count('RevisionGUID="a1-2"') == 3 and text.rstrip().endswith("</posthistory>")
