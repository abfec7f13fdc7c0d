"""The importer on a small dump written for the tests (tests/imports/dump)."""

from pathlib import Path

import pytest
from django.db.models import Count, F, Q

from accounts.models import User
from imports.models import ImportedPost, ImportedUser, ImportSite
from qa.models import CloseReason, Comment, Post, PostLink, PostType, Tag
from reputation.models import BadgeAward, Reason, ReputationEvent
from reputation.services import reputation_audit
from search.models import DocumentKind, IndexOperation

from .conftest import SITE, run_import

pytestmark = pytest.mark.django_db


def post(source_id: int, site: str = SITE) -> Post:
    return (
        ImportedPost.objects.select_related("post").get(site__name=site, source_id=source_id).post
    )


def member(source_id: int, site: str = SITE) -> User:
    return (
        ImportedUser.objects.select_related("user").get(site__name=site, source_id=source_id).user
    )


def assert_counters_consistent() -> None:
    visible_answers = Count("answers", filter=Q(answers__deleted_at__isnull=True), distinct=True)
    assert not Post.objects.questions().annotate(n=visible_answers).exclude(answer_count=F("n"))
    assert not Post.objects.annotate(n=Count("comments", distinct=True)).exclude(
        comment_count=F("n")
    )
    used = Count("questions", filter=Q(questions__deleted_at__isnull=True), distinct=True)
    assert not Tag.objects.annotate(n=used).exclude(usage_count=F("n"))


# Users ----------------------------------------------------------------------------


def test_users_become_members_without_a_usable_password(imported) -> None:
    ada = member(1)
    assert ada.display_name == "Ada Admin"
    assert not ada.has_usable_password()
    assert ada.date_joined.isoformat() == "2020-01-02T10:00:00+00:00"
    assert ada.website_url == "https://ada.example.org"
    assert "<strong>routers</strong>" in ada.about_html
    assert "<li>one</li>" in ada.about_html
    assert ada.email.endswith(".invalid")  # claimable later, never mailed


def test_hostile_about_text_and_website_are_dropped_and_reported(imported) -> None:
    bob = member(2)
    assert bob.about_html == "" and bob.website_url == ""
    assert any("row 2: about text has a <script> element" in p for p in imported.problems)
    assert any("row 2: website 'javascript:alert(1)'" in p for p in imported.problems)


def test_reputation_is_one_imported_ledger_row_and_the_audit_is_clean(imported) -> None:
    ada = member(1)
    assert ada.reputation == 1234
    rows = ReputationEvent.objects.filter(user=ada)
    assert [(row.amount, row.reason) for row in rows] == [(1233, Reason.IMPORTED)]
    assert member(4).reputation == 1
    assert not ReputationEvent.objects.filter(user=member(4)).exists()
    assert reputation_audit() == []


def test_authors_missing_from_users_xml_become_stub_and_named_members(imported) -> None:
    stub = post(21).author  # OwnerUserId 77 is not in Users.xml
    assert stub.display_name == "user77" and not stub.has_usable_password()
    guest = post(12).author  # only OwnerDisplayName
    assert guest.display_name == "Gone Guest"
    assert ImportedUser.objects.get(user=guest).source_id is None


# Posts ------------------------------------------------------------------------------


def test_questions_and_answers_keep_their_fields(imported) -> None:
    question = post(10)
    assert question.post_type == PostType.QUESTION
    assert question.title == "Router shows ERR <42> after the firmware update"
    assert question.tag_list == ["routers", "firmware"]
    assert set(question.tags.values_list("name", flat=True)) == {"routers", "firmware"}
    assert question.view_count == 150
    assert question.created_at.isoformat() == "2020-02-01T09:00:00+00:00"
    assert question.edited_at is not None and question.last_editor == member(1)
    assert question.author == member(3)
    answer = post(11)
    assert answer.parent == question and answer.post_type == PostType.ANSWER
    assert question.accepted_answer == answer
    assert question.answer_count == 2


def test_tags_in_the_newer_pipe_format_are_read(imported) -> None:
    assert post(20).tag_list == ["wifi", "routers"]


def test_scores_are_the_dumps_up_and_down_votes_without_fake_voters(imported) -> None:
    assert post(10).score == 2  # 3 up, 1 down
    assert post(11).score == 5
    assert post(12).score == -1
    assert post(20).score == 12
    assert not post(10).votes.exists()


def test_community_wiki_closed_and_locked_state(imported) -> None:
    wiki = post(20)
    assert wiki.is_community_wiki and post(21).is_community_wiki
    assert wiki.is_locked and wiki.lock_reason == "Locked while we sort this out"
    assert wiki.lock_kind == "content_dispute"
    assert wiki.locked_by == member(1)
    closed = post(30)
    assert closed.is_closed and closed.close_reason == CloseReason.NEEDS_DETAILS  # reason 103
    assert closed.closed_by == member(1)


def test_duplicates_are_closed_against_their_original_and_links_kept(imported) -> None:
    duplicate = post(40)
    assert duplicate.close_reason == CloseReason.DUPLICATE
    assert duplicate.duplicate_of == post(10)
    assert PostLink.objects.filter(
        from_post=duplicate, to_post=post(10), link_type=PostLink.LinkType.DUPLICATE
    ).exists()
    assert PostLink.objects.filter(
        from_post=post(30), to_post=post(20), link_type=PostLink.LinkType.LINKED
    ).exists()


def test_html_bodies_become_markdown_rendered_by_our_sanitiser(imported) -> None:
    question = post(10)
    source = question.body_source
    assert "```\nif (a < b && c) {\n    reboot();\n}\n```" in source
    assert "[the manual](https://example.com/manual)" in source
    assert "1. Unplug it" in source
    assert "![the router](https://i.example.com/router.png)" in source
    assert "&lt;script>" in source  # text, not a tag
    html = question.body_html
    assert '<a href="https://example.com/manual" rel="nofollow ugc noopener">the manual</a>' in html
    assert "<code>ERR &lt;42&gt;</code>" in html
    assert "<kbd>Reset</kbd>" in html
    assert "Writing &lt;script&gt; in text is fine." in html
    # Remote images become links: pages load nothing from other hosts.
    assert "<img" not in html and 'href="https://i.example.com/router.png"' in html
    assert question.excerpt.startswith("My router shows ERR <42> after the update.")


def test_nested_lists_and_code_inside_list_items_survive(imported) -> None:
    html = post(11).body_html
    assert "<ul>\n<li>nested</li>\n</ul>" in html
    assert "<li>Then:" in html and "<code>line one\nline two\n</code></pre>" in html


def test_tag_excerpt_and_wiki_come_from_their_posts(imported) -> None:
    routers = Tag.objects.get(name="routers")
    assert routers.excerpt == "Questions about home routers and their set-up."
    assert "<strong>router</strong>" in routers.wiki_html
    assert "ip route show" in routers.wiki_html


@pytest.mark.parametrize(
    ("source_id", "reason"),
    [
        (50, "answer whose question was not imported"),
        (51, "unknown PostTypeId '99'"),
        (52, "hostile HTML in the body"),
        (53, "hostile HTML in the body"),
        (54, "answer whose question was not imported"),
        (55, "malformed XML"),
    ],
)
def test_bad_posts_are_reported_with_their_row_id_and_skipped(imported, source_id, reason) -> None:
    report = imported.files["Posts.xml"]
    assert str(source_id) in report.examples[reason]
    assert any(f"row {source_id}" in problem for problem in imported.problems)
    assert not ImportedPost.objects.filter(source_id=source_id).exists()


def test_nothing_hostile_reaches_a_page(imported) -> None:
    for html in [
        *Post.objects.values_list("body_html", flat=True),
        *Comment.objects.values_list("body_html", flat=True),
        *User.objects.values_list("about_html", flat=True),
        *Tag.objects.values_list("wiki_html", flat=True),
    ]:
        lowered = html.lower()
        assert "<script" not in lowered and "javascript:" not in lowered
        assert "evil.example" not in lowered


def test_other_post_types_are_skipped_without_being_called_bad(imported) -> None:
    report = imported.files["Posts.xml"]
    assert report.skipped["moderator nomination (post type 6) not imported"] == 1
    assert not any("row 60" in problem for problem in imported.problems)


# Comments, votes, badges --------------------------------------------------------------


def test_comments_become_top_level_comments(imported) -> None:
    comments = list(Comment.objects.filter(post=post(10)).order_by("created_at"))
    assert [c.author for c in comments] == [member(1), member(3)]
    assert all(c.parent_id is None and c.level == 0 and c.tree_id == c.pk for c in comments)
    assert "Is it &lt;2.0?" in comments[0].body_html  # a "<" in a comment is text
    assert "<code>a &lt; b</code>" in comments[1].body_html
    assert Comment.objects.get(post=post(11)).author.display_name == "Passer By"
    assert any("row 103: the comment has a 'javascript:" in p for p in imported.problems)


def test_counters_are_consistent_after_the_import(imported) -> None:
    assert_counters_consistent()
    assert Tag.objects.get(name="routers").usage_count == 3
    assert post(10).comment_count == 2


def test_badges_are_matched_by_name(imported) -> None:
    awards = {(award.user, award.badge.name, award.post) for award in BadgeAward.objects.all()}
    assert (member(3), "Student", None) in awards
    assert (member(1), "Nice Question", post(20)) in awards  # its earliest earning post
    assert (member(1), "routers", None) in awards  # a tag badge
    report = imported.files["Badges.xml"]
    assert report.examples["badge with no equivalent here"] == ["4"]
    assert report.examples["per-post badge with no earning post here"] == ["5"]


def test_search_indexing_goes_through_the_outbox(imported) -> None:
    queued = set(
        IndexOperation.objects.filter(kind=DocumentKind.QUESTION).values_list(
            "object_id", flat=True
        )
    )
    assert queued == set(Post.objects.questions().values_list("pk", flat=True))


def test_missing_files_are_skipped_with_a_warning(db, dump_dir: Path) -> None:
    for name in ("Users.xml", "Votes.xml", "Badges.xml"):
        (dump_dir / name).unlink()
    summary = run_import(dump_dir)
    assert "Users.xml is not in the folder: skipped." in summary.warnings
    assert post(10).author.display_name == "user3"  # a stub until Users.xml comes
    assert post(10).score == 2  # from Posts.xml


# Re-runs ----------------------------------------------------------------------------


def snapshot() -> dict[str, object]:
    return {
        "users": sorted(User.objects.values_list("username", "display_name", "reputation")),
        "posts": sorted(
            Post.objects.values_list(
                "title",
                "body_html",
                "score",
                "answer_count",
                "comment_count",
                "closed_at",
                "close_reason",
                "duplicate_of__title",
                "accepted_answer__body_html",
            )
        ),
        "comments": sorted(Comment.objects.values_list("body_html", "tree_id", "lft")),
        "tags": sorted(Tag.objects.values_list("name", "usage_count", "excerpt")),
        "links": PostLink.objects.count(),
        "ledger": ReputationEvent.objects.count(),
        "awards": BadgeAward.objects.count(),
    }


def test_running_twice_gives_the_same_database(imported, dump_dir: Path) -> None:
    before = snapshot()
    again = run_import(dump_dir)
    assert snapshot() == before
    posts = again.files["Posts.xml"]
    assert (posts.imported, posts.updated, posts.unchanged) == (0, 0, 9)
    assert again.files["Users.xml"].unchanged == 5
    assert again.files["Comments.xml"].unchanged == 3
    assert reputation_audit() == []


def test_a_changed_dump_updates_rows_in_place(imported, dump_dir: Path) -> None:
    posts = dump_dir / "Posts.xml"
    posts.write_text(
        posts.read_text()
        .replace(
            "Which wifi channel is best in a crowded building?",
            "Best wifi channel in a busy building?",
        )
        .replace('Tags="|wifi|routers|"', 'Tags="|wifi|"')
    )
    users = dump_dir / "Users.xml"
    users.write_bytes(users.read_bytes().replace(b'Reputation="1234"', b'Reputation="2000"'))
    votes = dump_dir / "Votes.xml"
    votes.write_text(
        votes.read_text().replace(
            "</votes>",
            '  <row Id="99" PostId="21" VoteTypeId="2" CreationDate="2020-03-03T00:00:00.000" />\n'
            "</votes>",
        )
    )
    summary = run_import(dump_dir)
    assert summary.files["Posts.xml"].updated == 1
    question = post(20)
    assert question.title == "Best wifi channel in a busy building?"
    assert question.tag_list == ["wifi"]
    assert post(21).score == 4  # one more upvote in Votes.xml
    assert Post.objects.filter(title__startswith="Best wifi").count() == 1
    assert member(1).reputation == 2000
    assert reputation_audit() == []
    assert_counters_consistent()


def site_snapshot(site: str) -> dict[str, object]:
    """What one site's import wrote, comparable between two site names."""
    posts = Post.objects.filter(imported_from__site__name=site)
    users = User.objects.filter(imported_from__site__name=site)
    return {
        "users": sorted(users.values_list("display_name", "reputation", "about_html")),
        "posts": sorted(
            posts.values_list(
                "imported_from__source_id",
                "title",
                "body_html",
                "score",
                "answer_count",
                "comment_count",
                "closed_at",
                "close_reason",
                "duplicate_of__title",
                "accepted_answer__body_html",
                "locked_at",
                "author__display_name",
            )
        ),
        "comments": sorted(
            Comment.objects.filter(post__in=posts).values_list("body_html", "level", "lft")
        ),
        "links": sorted(
            PostLink.objects.filter(from_post__in=posts).values_list(
                "from_post__title", "to_post__title", "link_type"
            )
        ),
        "ledger": sorted(
            ReputationEvent.objects.filter(user__in=users).values_list("amount", "reason")
        ),
        "awards": sorted(
            BadgeAward.objects.filter(user__in=users).values_list("badge__name", "post__title")
        ),
    }


def test_an_interrupted_run_can_be_run_again(db, dump_dir: Path) -> None:
    def stop_in_the_posts(report, position, size) -> None:
        if report.name == "Posts.xml":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_import(dump_dir, site_name="a.example.com", batch_size=3, on_progress=stop_in_the_posts)
    assert 0 < ImportedPost.objects.count() < 7
    run_import(dump_dir, site_name="a.example.com", batch_size=3)
    run_import(dump_dir, site_name="b.example.com", batch_size=3)
    assert site_snapshot("a.example.com") == site_snapshot("b.example.com")
    assert_counters_consistent()
    assert reputation_audit() == []


def test_limit_caps_the_questions_and_their_answers(db, dump_dir: Path) -> None:
    summary = run_import(dump_dir, limit=1)
    assert Post.objects.questions().count() == 1
    assert set(Post.objects.answers().values_list("parent", flat=True)) == {post(10).pk}
    assert summary.files["Posts.xml"].skipped["question beyond --limit"] == 5
    assert_counters_consistent()


def test_two_sites_share_a_database_and_their_tags(db, dump_dir: Path) -> None:
    run_import(dump_dir, site_name="one.example.com")
    run_import(dump_dir, site_name="two.example.com")
    assert ImportSite.objects.count() == 2
    assert post(10, "one.example.com") != post(10, "two.example.com")
    assert member(1, "one.example.com") != member(1, "two.example.com")
    assert Tag.objects.filter(name="routers").count() == 1
    assert Tag.objects.get(name="routers").usage_count == 6
    assert_counters_consistent()
    assert reputation_audit() == []


def test_a_truncated_file_imports_what_precedes_the_cut(db, dump_dir: Path) -> None:
    posts = dump_dir / "Posts.xml"
    text = posts.read_text()
    posts.write_text(text[: text.index('<row Id="30"') + 60])
    summary = run_import(dump_dir)
    assert Post.objects.questions().count() == 2  # 10 and 20
    assert any("row 30" in p and "truncated" in p for p in summary.problems), summary.problems


def test_workers_render_the_same_as_the_importer(db, dump_dir: Path) -> None:
    run_import(dump_dir, site_name="inline.example.com", jobs=1, batch_size=4)
    run_import(dump_dir, site_name="workers.example.com", jobs=2, batch_size=4)
    for source_id in (10, 11, 20):
        inline, workers = (
            post(source_id, "inline.example.com"),
            post(source_id, "workers.example.com"),
        )
        assert (inline.body_source, inline.body_html) == (workers.body_source, workers.body_html)


# Post history --------------------------------------------------------------------


def revisions(source_id: int) -> list[tuple[int, str, str | None, str, dict[str, str]]]:
    from versioning.selectors import revision_history

    _, entries = revision_history(post(source_id))
    return [
        (
            entry.info.number,
            entry.info.kind,
            entry.info.revision.user.display_name if entry.info.revision.user else None,
            entry.summary,
            entry.fields,
        )
        for entry in reversed(entries)
    ]


def test_edits_become_revisions_with_their_authors_dates_and_summaries(imported) -> None:
    history = revisions(10)
    assert [(n, kind, who) for n, kind, who, _, _ in history] == [
        (1, "created", "Chloé Curious"),
        (2, "edited", "Ada Admin"),
        (3, "imported", None),  # what we converted, so the next edit diffs against it
    ]
    first, second = history[0][4], history[1][4]
    assert first["title"] == "Router error after update"
    assert first["body_source"] == "My router shows `ERR <42>`."  # the original Markdown
    assert first["tag_names"] == "routers"
    assert second["title"] == "Router shows ERR <42> after the firmware update"
    assert second["tag_names"] == "routers firmware"
    assert history[1][3] == "added details"
    assert history[2][4]["body_source"] == post(10).body_source
    from reversion.models import Version

    dates = [
        version.revision.date_created.isoformat()
        for version in Version.objects.get_for_object(post(10)).order_by("pk")
    ]
    assert dates[:2] == ["2020-02-01T09:00:00+00:00", "2020-02-01T10:00:00+00:00"]


def test_suggested_edits_and_rollbacks_keep_their_kind(imported) -> None:
    from versioning.models import RevisionInfo

    history = revisions(11)
    assert [kind for _, kind, _, _, _ in history] == [
        "created",
        "suggested_edit",
        "rolled_back",
        "imported",
    ]
    assert history[1][2] == "Bob Builder" and history[1][4]["body_source"].endswith(
        "*ten* seconds."
    )
    suggested = RevisionInfo.objects.get(object_id=post(11).pk, number=2)
    assert suggested.approved_by == member(1)
    assert history[2][4]["body_source"] == "Hold the reset button."


def test_a_hostile_revision_is_reported_and_skipped(imported) -> None:
    assert any("row 14: the revision has a <script> element" in p for p in imported.problems)
    assert [kind for _, kind, _, _, _ in revisions(21)] == []


def test_history_is_not_recorded_twice(imported, dump_dir: Path) -> None:
    from versioning.models import RevisionInfo

    count = RevisionInfo.objects.count()
    again = run_import(dump_dir)
    assert RevisionInfo.objects.count() == count
    assert again.files["PostHistory.xml"].imported == 3  # states are set again, not added


def test_history_split_across_batches_stays_one_revision_per_edit(db, dump_dir: Path) -> None:
    run_import(dump_dir, batch_size=2)
    assert [n for n, _, _, _, _ in revisions(10)] == [1, 2, 3]
    assert revisions(10)[1][4]["tag_names"] == "routers firmware"
