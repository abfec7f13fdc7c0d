from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from qa.models import Post

pytestmark = pytest.mark.django_db


def test_the_command_imports_and_prints_a_summary(dump_dir: Path) -> None:
    out, err = StringIO(), StringIO()
    call_command(
        "import_stackexchange", str(dump_dir), "--jobs", "1", "--profile", stdout=out, stderr=err
    )
    assert Post.objects.questions().count() == 4
    summary = out.getvalue()
    assert "Imported fixture.example.com" in summary
    assert "Posts.xml" in summary and "unknown PostTypeId '99' (e.g. 51)" in summary
    assert "12 bad rows skipped." in summary
    assert "profile: peak memory: max RSS" in summary and "posts/s" in summary
    progress_and_problems = err.getvalue()
    assert "skipped: Posts.xml: row 52: the body has a <script> element" in progress_and_problems
    assert "Posts.xml" in progress_and_problems and "rows/s" in progress_and_problems
    posts_progress = [
        line for line in progress_and_problems.splitlines() if line.startswith("Posts.xml ")
    ]
    assert posts_progress and all(" posts/s " in line for line in posts_progress)
    assert "profile: Posts.xml " in summary and "posts per CPU second" in summary


def test_the_site_name_can_be_given(dump_dir: Path) -> None:
    call_command(
        "import_stackexchange",
        str(dump_dir),
        "--site-name",
        "Lumio Community",
        "--jobs",
        "1",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    from imports.models import ImportSite

    site = ImportSite.objects.get()
    assert (site.name, site.slug, site.url) == ("Lumio Community", "lumio-community", "")


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("import_stackexchange", str(tmp_path / "nowhere"), stdout=StringIO())
