"""Badges: awarded by rules right after the event that can earn them.

The definitions live here, in code. A ``Badge`` row is created the first time
a badge is needed (tag badges: one row per tag and tier), and ``BadgeAward``'s
unique (user, badge, key) constraint makes every award idempotent, even when
two requests race: ``key`` is "" for once-only badges, the post id for
per-post badges and the tag name for tag badges.

Each ``badges_after_*`` function runs inside the transaction of the Q&A
service that calls it and looks only at what that event can change: it lists
the awards the event's numbers allow, drops those already held (one query)
and awards the rest. ``badges_backfill`` re-evaluates every rule for every
member and post with aggregate queries (the ``badges_backfill`` command).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.db.models import CharField, Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_noop

from accounts.models import User
from entraide.links import link
from notifications.services import notify
from qa.models import Comment, Post, Tag, Vote

from .models import Badge, BadgeAward, BadgeTier

# Definitions ------------------------------------------------------------------


@dataclass(frozen=True)
class BadgeDefinition:
    slug: str
    name: str  # English, as stored on the row; translated on display
    tier: BadgeTier
    # English with %(n)s filled from ``params``; the catalogue translates the template.
    description_template: str
    # Earned once per post (Nice Answer) rather than once per member.
    is_per_post: bool = False
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def description(self) -> str:
        return self.description_template % dict(self.params)

    def local_name(self) -> str:
        return gettext(self.name)

    def local_description(self) -> str:
        return gettext(self.description_template) % {
            key: number_format(value, force_grouping=True) if isinstance(value, int) else value
            for key, value in self.params
        }

    def row_fields(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "tier": self.tier,
            "description": self.description,
            "is_per_post": self.is_per_post,
        }


STUDENT, TEACHER, SCHOLAR = "student", "teacher", "scholar"
SUPPORTER, CRITIC, CIVIC_DUTY = "supporter", "critic", "civic-duty"
EDITOR, COMMENTATOR = "editor", "commentator"
ENLIGHTENED, GURU, NECROMANCER = "enlightened", "guru", "necromancer"
FAQ_AUTHOR = "faq-author"

FIRST_POST_SCORE = 1  # Student, Teacher
QUESTION_SCORE_BADGES = ((10, "nice-question"), (25, "good-question"), (100, "great-question"))
ANSWER_SCORE_BADGES = ((10, "nice-answer"), (25, "good-answer"), (100, "great-answer"))
VIEW_BADGES = (
    (1_000, "popular-question"),
    (2_500, "notable-question"),
    (10_000, "famous-question"),
)
ENLIGHTENED_SCORE = 10
GURU_SCORE = 40
NECROMANCER_SCORE = 5
NECROMANCER_DELAY = timedelta(days=60)
COMMENTATOR_COMMENTS = 10
CIVIC_DUTY_VOTES = 300

_B, _S, _G = BadgeTier.BRONZE, BadgeTier.SILVER, BadgeTier.GOLD
_TIERS = (_B, _S, _G)


def _per_post(
    slug: str, name: str, tier: BadgeTier, description: str, **params: Any
) -> BadgeDefinition:
    return BadgeDefinition(
        slug, name, tier, description, is_per_post=True, params=tuple(params.items())
    )


_SCORES = dict((slug, score) for score, slug in (*QUESTION_SCORE_BADGES, *ANSWER_SCORE_BADGES))
_VIEWS = dict((slug, views) for views, slug in VIEW_BADGES)

BADGES: list[BadgeDefinition] = [
    BadgeDefinition(
        STUDENT,
        gettext_noop("Student"),
        _B,
        gettext_noop("Asked a question with a score of 1 or more."),
    ),
    BadgeDefinition(
        TEACHER,
        gettext_noop("Teacher"),
        _B,
        gettext_noop("Answered a question with a score of 1 or more."),
    ),
    BadgeDefinition(
        SCHOLAR,
        gettext_noop("Scholar"),
        _B,
        gettext_noop("Asked a question and accepted an answer."),
    ),
    BadgeDefinition(
        SUPPORTER,
        gettext_noop("Supporter"),
        _B,
        gettext_noop("Voted a post up for the first time."),
    ),
    BadgeDefinition(
        CRITIC, gettext_noop("Critic"), _B, gettext_noop("Voted a post down for the first time.")
    ),
    BadgeDefinition(
        EDITOR, gettext_noop("Editor"), _B, gettext_noop("Edited a post for the first time.")
    ),
    BadgeDefinition(
        COMMENTATOR,
        gettext_noop("Commentator"),
        _B,
        gettext_noop("Left %(n)s comments."),
        params=(("n", COMMENTATOR_COMMENTS),),
    ),
    BadgeDefinition(
        CIVIC_DUTY,
        gettext_noop("Civic Duty"),
        _S,
        gettext_noop("Voted %(n)s times."),
        params=(("n", CIVIC_DUTY_VOTES),),
    ),
    *(
        _per_post(
            slug,
            name,
            tier,
            gettext_noop("Asked a question with a score of %(n)s or more."),
            n=_SCORES[slug],
        )
        for slug, name, tier in (
            ("nice-question", gettext_noop("Nice Question"), _B),
            ("good-question", gettext_noop("Good Question"), _S),
            ("great-question", gettext_noop("Great Question"), _G),
        )
    ),
    *(
        _per_post(
            slug,
            name,
            tier,
            gettext_noop("Wrote an answer with a score of %(n)s or more."),
            n=_SCORES[slug],
        )
        for slug, name, tier in (
            ("nice-answer", gettext_noop("Nice Answer"), _B),
            ("good-answer", gettext_noop("Good Answer"), _S),
            ("great-answer", gettext_noop("Great Answer"), _G),
        )
    ),
    _per_post(
        ENLIGHTENED,
        gettext_noop("Enlightened"),
        _S,
        gettext_noop("Wrote an answer that was accepted and has a score of %(n)s or more."),
        n=ENLIGHTENED_SCORE,
    ),
    _per_post(
        GURU,
        gettext_noop("Guru"),
        _S,
        gettext_noop("Wrote an accepted answer with a score of %(n)s or more."),
        n=GURU_SCORE,
    ),
    _per_post(
        NECROMANCER,
        gettext_noop("Necromancer"),
        _S,
        gettext_noop(
            "Answered a question more than %(days)s days after it was asked, "
            "with a score of %(n)s or more."
        ),
        days=NECROMANCER_DELAY.days,
        n=NECROMANCER_SCORE,
    ),
    *(
        _per_post(
            slug, name, tier, gettext_noop("Asked a question viewed %(n)s times."), n=_VIEWS[slug]
        )
        for slug, name, tier in (
            ("popular-question", gettext_noop("Popular Question"), _B),
            ("notable-question", gettext_noop("Notable Question"), _S),
            ("famous-question", gettext_noop("Famous Question"), _G),
        )
    ),
    _per_post(
        FAQ_AUTHOR,
        gettext_noop("FAQ Author"),
        _B,
        gettext_noop("Wrote an answer that staff promoted into the FAQ."),
    ),
]
DEFINITIONS: dict[str, BadgeDefinition] = {badge.slug: badge for badge in BADGES}


@dataclass(frozen=True)
class TagBadgeTier:
    """One tier of the tag badges; each (tag, tier) gets its own ``Badge`` row."""

    slug: str  # what ``badge_award`` takes, with the tag
    tier: BadgeTier
    min_score: int  # total score of the member's answers in the tag
    min_answers: int  # non-community-wiki answers in the tag

    _DESCRIPTION = gettext_noop(
        "Earned a total score of %(score)s or more with at least %(answers)s answers in the "
        "“%(tag)s” tag."
    )

    def description(self, tag_name: str, *, translated: bool = False) -> str:
        """English, as stored on the row; ``translated``: in the active language."""
        if not translated:
            return self._DESCRIPTION % {
                "score": self.min_score,
                "answers": self.min_answers,
                "tag": tag_name,
            }
        return gettext(self._DESCRIPTION) % {
            "score": number_format(self.min_score, force_grouping=True),
            "answers": number_format(self.min_answers, force_grouping=True),
            "tag": tag_name,
        }

    def earned_by(self, total: int, answers: int) -> bool:
        return total >= self.min_score and answers >= self.min_answers


TAG_BADGE_TIERS = (
    TagBadgeTier("tag-bronze", _B, 100, 20),
    TagBadgeTier("tag-silver", _S, 400, 80),
    TagBadgeTier("tag-gold", _G, 1000, 200),
)
_TAG_TIERS_BY_SLUG = {tier.slug: tier for tier in TAG_BADGE_TIERS}
_TAG_TIERS_BY_TIER = {str(tier.tier): tier for tier in TAG_BADGE_TIERS}


def tag_badge_slug(tag_id: int, tier: str) -> str:
    # The id, not the name: "c++" and "c" would slugify alike, and a renamed
    # tag keeps its badges.
    return f"tag-{tag_id}-{tier}"


# Awarding ---------------------------------------------------------------------


def badge_get(slug: str, *, tag: Tag | None = None) -> Badge:
    """The ``Badge`` row of a definition, or of a tag tier with ``tag``; created
    on first use (``get_or_create`` on the unique slug survives a race).

    Not cached across calls: a cached id could outlive the transaction that
    created the row and be rolled back with it.
    """
    if tag is not None:
        tier = _TAG_TIERS_BY_SLUG.get(slug)
        if tier is None:
            raise ValueError(f"“{slug}” is not a tag badge tier.")
        badge, _ = Badge.objects.get_or_create(
            slug=tag_badge_slug(tag.pk, tier.tier),
            defaults={
                "name": tag.name,
                "tier": tier.tier,
                "description": tier.description(tag.name),
                "tag_id": tag.pk,
            },
        )
        return badge
    definition = DEFINITIONS.get(slug)
    if definition is None:
        raise ValueError(f"“{slug}” is not a badge.")
    badge, _ = Badge.objects.get_or_create(slug=slug, defaults=definition.row_fields())
    return badge


def _award_key(slug: str, *, post: Post | None, tag: Tag | None) -> str:
    if tag is not None:
        return tag.name
    if DEFINITIONS[slug].is_per_post:
        if post is None:
            raise ValueError(f"The badge “{slug}” is earned per post: give the post.")
        return str(post.pk)
    return ""


@transaction.atomic
def badge_award(
    user: User | int, badge_slug: str, post: Post | None = None, tag: Tag | None = None
) -> bool:
    """Award a badge; return ``False`` if the member already holds it.

    Per-post badges need ``post`` (the award's key is its id); tag tiers
    ("tag-bronze" …) need ``tag`` (the key is its name); other badges are
    once-only, and ``post`` is only the link shown with them. The insert runs
    in a savepoint, so the unique constraint turns a replay or a race into
    ``False``; the badge's award count moves with ``F()`` only after an insert
    (which locks the badge row until commit), and the member is notified.
    """
    badge = badge_get(badge_slug, tag=tag)
    key = _award_key(badge_slug, post=post, tag=tag)
    user_id = user if isinstance(user, int) else user.pk
    try:
        with transaction.atomic():
            BadgeAward.objects.create(
                user_id=user_id, badge=badge, post_id=post.pk if post else None, key=key
            )
    except IntegrityError:
        return False
    Badge.objects.filter(pk=badge.pk).update(award_count=F("award_count") + 1)
    notify(user_id, "badge", target=badge, url=link("badges:badge_detail", slug=badge.slug))
    return True


@dataclass(frozen=True)
class _Earned:
    """An award an event's numbers allow (the member may already hold it)."""

    user_id: int
    slug: str
    post: Post | None = None
    tag: Tag | None = None

    @property
    def badge_slug(self) -> str:
        if self.tag is None:
            return self.slug
        return tag_badge_slug(self.tag.pk, _TAG_TIERS_BY_SLUG[self.slug].tier)

    @property
    def key(self) -> str:
        return _award_key(self.slug, post=self.post, tag=self.tag)


def _award_missing(earned: list[_Earned]) -> None:
    """Award what ``earned`` lists and its members do not hold yet.

    One query finds what they hold; then one ``badge_award`` each, in badge
    order, so that two transactions lock badge rows in the same order.
    """
    if not earned:
        return
    held = set(
        BadgeAward.objects.filter(
            user_id__in={e.user_id for e in earned},
            badge__slug__in={e.badge_slug for e in earned},
            key__in={e.key for e in earned},
        ).values_list("user_id", "badge__slug", "key")
    )
    for e in sorted(earned, key=lambda e: (e.badge_slug, e.user_id, e.key)):
        if (e.user_id, e.badge_slug, e.key) not in held:
            badge_award(e.user_id, e.slug, post=e.post, tag=e.tag)


def _count_reaches(rows: QuerySet[Any], threshold: int) -> bool:
    # Counts at most ``threshold`` rows, however many there are.
    return rows.order_by()[:threshold].count() >= threshold


# Events -----------------------------------------------------------------------


def _tag_badges(
    *, author_id: int, answer_id: int, score: int, tag_names: list[str]
) -> list[_Earned]:
    """The tag badges an author's answer (now at ``score``) allows, in its question's tags.

    One aggregate over the author's other non-community-wiki answers in those
    tags; this answer is added with ``score``, whatever the column says yet.
    """
    if not tag_names:
        return []
    others = (
        Post.objects.answers()
        .visible()
        .filter(
            author_id=author_id,
            is_community_wiki=False,
            parent__deleted_at__isnull=True,
            parent__tags__name__in=tag_names,
        )
        .exclude(pk=answer_id)
        .values("parent__tags__pk", "parent__tags__name")
        .annotate(total=Sum("score"), tag_answers=Count("pk"))
        .order_by()
    )
    found = {row["parent__tags__name"]: row for row in others}
    earned: list[_Earned] = []
    for name in tag_names:
        row = found.get(name)
        total = (row["total"] if row else 0) + score
        answers = (row["tag_answers"] if row else 0) + 1
        tiers = [tier for tier in TAG_BADGE_TIERS if tier.earned_by(total, answers)]
        if not tiers:
            continue
        # Without other answers in the tag the aggregate has no row (only
        # possible if a tier asked for a single answer): read the tag.
        tag = (
            Tag(pk=row["parent__tags__pk"], name=name)
            if row
            else Tag.objects.filter(name=name).first()
        )
        if tag is not None:
            earned += [_Earned(author_id, tier.slug, tag=tag) for tier in tiers]
    return earned


def _question_badges(question: Post, score: int) -> list[_Earned]:
    author = question.author_id
    earned = [_Earned(author, STUDENT, post=question)] if score >= FIRST_POST_SCORE else []
    earned += [
        _Earned(author, slug, post=question)
        for threshold, slug in QUESTION_SCORE_BADGES
        if score >= threshold
    ]
    return earned


def _answer_badges(answer: Post, score: int) -> list[_Earned]:
    question = Post.objects.values("created_at", "accepted_answer_id", "tag_names").get(
        pk=answer.question_id
    )
    author = answer.author_id
    earned = [_Earned(author, TEACHER, post=answer)] if score >= FIRST_POST_SCORE else []
    earned += [
        _Earned(author, slug, post=answer)
        for threshold, slug in ANSWER_SCORE_BADGES
        if score >= threshold
    ]
    if question["accepted_answer_id"] == answer.pk:
        earned += _accepted_answer_badges(answer, score)
    if (
        score >= NECROMANCER_SCORE
        and answer.created_at - question["created_at"] > NECROMANCER_DELAY
    ):
        earned.append(_Earned(author, NECROMANCER, post=answer))
    if not answer.is_community_wiki:
        earned += _tag_badges(
            author_id=author,
            answer_id=answer.pk,
            score=score,
            tag_names=question["tag_names"].split(),
        )
    return earned


def _accepted_answer_badges(answer: Post, score: int) -> list[_Earned]:
    return [
        _Earned(answer.author_id, slug, post=answer)
        for slug, threshold in ((ENLIGHTENED, ENLIGHTENED_SCORE), (GURU, GURU_SCORE))
        if score >= threshold
    ]


def badges_after_vote(*, vote: Vote, post: Post) -> None:
    """Evaluate the badges a new vote can earn.

    The voter: Supporter or Critic, and Civic Duty. On an upvote, the post's
    author: Student or Teacher, the post's score badges, and for an answer
    Enlightened, Guru, Necromancer and the tag badges of the question's tags
    (downvotes cannot raise a score). ``post.score`` is the score with this
    vote counted: ``vote_cast`` calls this after moving the score.
    """
    voter_id = vote.user_id
    assert voter_id is not None  # only an erased account's old votes have no voter
    earned = [_Earned(voter_id, SUPPORTER if vote.value > 0 else CRITIC)]
    if _count_reaches(Vote.objects.filter(user_id=voter_id), CIVIC_DUTY_VOTES):
        earned.append(_Earned(voter_id, CIVIC_DUTY))
    if vote.value > 0 and not post.is_deleted:
        earned += (
            _question_badges(post, post.score)
            if post.is_question
            else _answer_badges(post, post.score)
        )
    _award_missing(earned)


def badges_after_accept(*, question: Post, answer: Post, accepter: Any) -> None:
    """Evaluate the badges an acceptance can earn: the asker's Scholar (when
    the asker accepted, not staff) and the answer's Enlightened and Guru."""
    earned = _accepted_answer_badges(answer, answer.score)
    if accepter.pk == question.author_id:
        earned.append(_Earned(question.author_id, SCHOLAR, post=question))
    _award_missing(earned)


def badges_after_comment(*, comment: Comment) -> None:
    """Evaluate Commentator: the author's visible comments reach the threshold."""
    comments = Comment.objects.filter(author_id=comment.author_id, deleted_at__isnull=True)
    if _count_reaches(comments, COMMENTATOR_COMMENTS):
        _award_missing([_Earned(comment.author_id, COMMENTATOR)])


def badges_after_edit(*, post: Post, editor: Any) -> None:
    """Evaluate Editor: a first edit, of any post (one's own too)."""
    _award_missing([_Earned(editor.pk, EDITOR, post=post)])


def badges_after_answer(*, answer: Post) -> None:
    """Evaluate the tag badges: a new answer adds one to its author's answer
    count in each of the question's tags (its score is still 0)."""
    if answer.is_community_wiki or answer.parent is None:
        return
    _award_missing(
        _tag_badges(
            author_id=answer.author_id,
            answer_id=answer.pk,
            score=answer.score,
            tag_names=answer.parent.tag_list,
        )
    )


def badges_after_faq_promotion(*, answer: Post) -> None:
    """Award FAQ Author for ``answer``, once per answer; the FAQ promotion
    service calls it inside its transaction."""
    _award_missing([_Earned(answer.author_id, FAQ_AUTHOR, post=answer)])


# Back-fill --------------------------------------------------------------------


@dataclass(frozen=True)
class _OnceRule:
    """Once-only badge: members with at least ``at_least`` of ``rows``."""

    slug: str
    rows: QuerySet[Any]
    user_field: str
    post_field: str | None = None  # the earliest such post is the award's link
    at_least: int = 1


def _once_rules() -> list[_OnceRule]:
    questions = Post.objects.questions().visible()
    answers = Post.objects.answers().visible()
    return [
        _OnceRule(STUDENT, questions.filter(score__gte=FIRST_POST_SCORE), "author_id", "pk"),
        _OnceRule(TEACHER, answers.filter(score__gte=FIRST_POST_SCORE), "author_id", "pk"),
        # The accepter is not stored; askers accept (staff rarely do).
        _OnceRule(SCHOLAR, questions.filter(accepted_answer__isnull=False), "author_id", "pk"),
        _OnceRule(SUPPORTER, Vote.objects.filter(value=1), "user_id"),
        _OnceRule(CRITIC, Vote.objects.filter(value=-1), "user_id"),
        _OnceRule(CIVIC_DUTY, Vote.objects.all(), "user_id", at_least=CIVIC_DUTY_VOTES),
        # Only the last editor of each post is stored; the events saw them all.
        _OnceRule(
            EDITOR, Post.objects.visible().filter(last_editor__isnull=False), "last_editor_id", "pk"
        ),
        _OnceRule(
            COMMENTATOR,
            Comment.objects.filter(deleted_at__isnull=True),
            "author_id",
            at_least=COMMENTATOR_COMMENTS,
        ),
    ]


def _per_post_rules() -> list[tuple[str, QuerySet[Post]]]:
    questions = Post.objects.questions().visible()
    answers = Post.objects.answers().visible()
    accepted = answers.filter(accepted_for__isnull=False)
    return [
        *((slug, questions.filter(score__gte=score)) for score, slug in QUESTION_SCORE_BADGES),
        *((slug, answers.filter(score__gte=score)) for score, slug in ANSWER_SCORE_BADGES),
        (ENLIGHTENED, accepted.filter(score__gte=ENLIGHTENED_SCORE)),
        (GURU, accepted.filter(score__gte=GURU_SCORE)),
        (
            NECROMANCER,
            answers.filter(
                score__gte=NECROMANCER_SCORE,
                created_at__gt=F("parent__created_at") + NECROMANCER_DELAY,
            ),
        ),
        *((slug, questions.filter(view_count__gte=views)) for views, slug in VIEW_BADGES),
        # FAQ Author: the FAQ does not exist yet; its promotions will be the rows.
    ]


def badge_earning_posts(slug: str) -> QuerySet[Post] | None:
    """The posts whose authors earn the per-post badge ``slug`` (the rule the
    back-fill applies), or ``None`` for a badge that is not per post."""
    return dict(_per_post_rules()).get(slug)


def _batches(rows: Iterable[BadgeAward], size: int) -> Iterator[list[BadgeAward]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _insert(awards: Iterable[BadgeAward], batch_size: int) -> None:
    # Idempotent: a row already there (or awarded meanwhile) is skipped.
    for batch in _batches(awards, batch_size):
        BadgeAward.objects.bulk_create(batch, ignore_conflicts=True)


def badges_sync_definitions() -> list[Badge]:
    """Create the ``Badge`` row of every definition; bring names, tiers and
    descriptions changed in code up to date. Return the rows."""
    rows = {badge.slug: badge for badge in Badge.objects.filter(slug__in=DEFINITIONS)}
    for definition in BADGES:
        fields = definition.row_fields()
        badge = rows.get(definition.slug)
        if badge is None:
            rows[definition.slug] = badge_get(definition.slug)
        elif any(getattr(badge, name) != value for name, value in fields.items()):
            Badge.objects.filter(pk=badge.pk).update(**fields)
    return [rows[definition.slug] for definition in BADGES]


@dataclass(frozen=True)
class BackfillLine:
    name: str
    tier: str
    tag_name: str | None
    awarded: int


@dataclass(frozen=True)
class BackfillReport:
    lines: list[BackfillLine]  # badges that gained awards
    counts_corrected: int  # award counts that had drifted from their awards

    @property
    def awarded(self) -> int:
        return sum(line.awarded for line in self.lines)


def _award_totals() -> dict[int, tuple[int, int]]:
    """Each badge's (cached award count, actual number of awards); one query."""
    rows = Badge.objects.annotate(actual=Count("awards")).values_list("pk", "award_count", "actual")
    return {pk: (cached, actual) for pk, cached, actual in rows}


def _recount(badge_ids: Iterable[int]) -> None:
    """Set each badge's award count to its number of awards.

    The row lock comes first and the count after it, in a new statement, so
    an award committed by a concurrent event is counted exactly once.
    """
    for badge_id in badge_ids:
        with transaction.atomic():
            Badge.objects.select_for_update().filter(pk=badge_id).values_list("pk").first()
            actual = BadgeAward.objects.filter(badge_id=badge_id).count()
            Badge.objects.filter(pk=badge_id).update(award_count=actual)


def _once_awards(rule: _OnceRule, badge: Badge, batch_size: int) -> Iterator[BadgeAward]:
    """The awards ``rule`` allows and nobody holds yet: one aggregate query."""
    held = BadgeAward.objects.filter(badge=badge, key="", user_id=OuterRef(rule.user_field))
    rows = (
        rule.rows.filter(~Exists(held))
        .values(rule.user_field)
        .annotate(rows=Count("pk"), post=Min(rule.post_field or "pk"))
        .filter(rows__gte=rule.at_least)
        .order_by()
        .values_list(rule.user_field, "post")
    )
    for user_id, post_id in rows.iterator(chunk_size=batch_size):
        link = post_id if rule.post_field else None
        yield BadgeAward(user_id=user_id, badge=badge, key="", post_id=link)


def _per_post_awards(badge: Badge, posts: QuerySet[Post], batch_size: int) -> Iterator[BadgeAward]:
    """The awards of a per-post badge that ``posts`` earn and nobody holds yet."""
    held = BadgeAward.objects.filter(
        badge=badge,
        user_id=OuterRef("author_id"),
        key=Cast(OuterRef("pk"), output_field=CharField()),
    )
    rows = posts.filter(~Exists(held)).order_by().values_list("author_id", "pk")
    for author_id, post_id in rows.iterator(chunk_size=batch_size):
        yield BadgeAward(user_id=author_id, badge=badge, key=str(post_id), post_id=post_id)


def badges_award_view_badges(*, batch_size: int = 1000) -> int:
    """Award Popular, Notable and Famous Question to the questions past their thresholds.

    Run by the scheduler rather than by the page view that crosses a
    threshold, so a question page never pays for awarding (its query count
    stays fixed). Idempotent; returns the number of awards made.
    """
    made = 0
    questions = Post.objects.questions().visible()
    for views, slug in VIEW_BADGES:
        badge = badge_get(slug)
        awards = list(_per_post_awards(badge, questions.filter(view_count__gte=views), batch_size))
        if awards:
            _insert(awards, batch_size)
            _recount([badge.pk])
            made += len(awards)
    return made


def badges_backfill(*, batch_size: int = 1000) -> BackfillReport:
    """Evaluate every badge rule for every member and post; award what is missing.

    Idempotent (existing awards are skipped, by the query and by the unique
    constraint) and safe next to live traffic. Each rule is one aggregate
    query whose rows are inserted in batches; award counts are then
    recounted where they differ from the awards.
    """
    badges = {badge.slug: badge for badge in badges_sync_definitions()}
    before = _award_totals()

    for rule in _once_rules():
        _insert(_once_awards(rule, badges[rule.slug], batch_size), batch_size)

    for slug, posts in _per_post_rules():
        _insert(_per_post_awards(badges[slug], posts, batch_size), batch_size)

    _backfill_tag_badges(batch_size)

    after = _award_totals()
    _recount(pk for pk, (cached, actual) in after.items() if cached != actual)
    corrected = sum(1 for cached, actual in before.values() if cached != actual)
    gained = {pk: actual - before.get(pk, (0, 0))[1] for pk, (_, actual) in after.items()}
    lines = [
        BackfillLine(
            badge.name, badge.tier, badge.tag.name if badge.tag else None, gained[badge.pk]
        )
        for badge in Badge.objects.select_related("tag").filter(
            pk__in=[pk for pk, n in gained.items() if n > 0]
        )
    ]
    lines.sort(key=lambda line: (line.tag_name is not None, line.tag_name or "", line.name))
    return BackfillReport(lines=lines, counts_corrected=corrected)


def _backfill_tag_badges(batch_size: int) -> None:
    """Tag badges: one aggregate of answer score and count per (member, tag)."""
    lowest = TAG_BADGE_TIERS[0]
    rows = (
        Post.objects.answers()
        .visible()
        .filter(is_community_wiki=False, parent__deleted_at__isnull=True)
        .values("author_id", "parent__tags__pk", "parent__tags__name")
        .annotate(total=Sum("score"), tag_answers=Count("pk"))
        .filter(total__gte=lowest.min_score, tag_answers__gte=lowest.min_answers)
        .order_by()
        .values_list("author_id", "parent__tags__pk", "parent__tags__name", "total", "tag_answers")
    )
    badges: dict[tuple[int, str], Badge] = {}

    def awards() -> Iterator[BadgeAward]:
        for author_id, tag_id, tag_name, total, answers in rows.iterator(chunk_size=batch_size):
            if tag_id is None:
                continue
            for tier in TAG_BADGE_TIERS:
                if tier.earned_by(total, answers):
                    badge = badges.get((tag_id, tier.slug))
                    if badge is None:
                        badge = badge_get(tier.slug, tag=Tag(pk=tag_id, name=tag_name))
                        badges[tag_id, tier.slug] = badge
                    yield BadgeAward(user_id=author_id, badge=badge, key=tag_name)

    _insert(awards(), batch_size)


# Reads ------------------------------------------------------------------------


@dataclass(frozen=True)
class BadgeSummary:
    slug: str
    name: str
    tier: str
    description: str
    is_per_post: bool
    award_count: int
    tag_name: str | None = None

    @property
    def tier_label(self) -> str:
        return str(BadgeTier(self.tier).label)

    @classmethod
    def of_row(cls, badge: Badge) -> "BadgeSummary":
        return cls(
            slug=badge.slug,
            name=badge.local_name,
            tier=badge.tier,
            description=badge.local_description,
            is_per_post=badge.is_per_post,
            award_count=badge.award_count,
            tag_name=badge.tag.name if badge.tag else None,
        )


@dataclass(frozen=True)
class BadgeTierGroup:
    tier: str
    label: str
    badges: list[BadgeSummary]


@dataclass(frozen=True)
class BadgeListPage:
    tiers: list[BadgeTierGroup]  # gold, silver, bronze
    tag_badges: list[BadgeSummary]  # those awarded at least once
    tag_tiers: tuple[TagBadgeTier, ...] = TAG_BADGE_TIERS


_TIER_ORDER = {BadgeTier.GOLD: 0, BadgeTier.SILVER: 1, BadgeTier.BRONZE: 2}


def badge_list_page() -> BadgeListPage:
    """Every defined badge by tier with its award count, and the tag badges
    awarded so far (one query)."""
    rows = list(
        Badge.objects.filter(Q(tag__isnull=True) | Q(award_count__gt=0))
        .select_related("tag")
        .only("slug", "name", "tier", "description", "is_per_post", "award_count", "tag__name")
    )
    counts = {badge.slug: badge.award_count for badge in rows if badge.tag_id is None}
    tiers = [
        BadgeTierGroup(
            tier=tier,
            label=str(tier.label),
            badges=[
                BadgeSummary(
                    slug=definition.slug,
                    name=definition.local_name(),
                    tier=definition.tier,
                    description=definition.local_description(),
                    is_per_post=definition.is_per_post,
                    award_count=counts.get(definition.slug, 0),
                )
                for definition in BADGES
                if definition.tier == tier
            ],
        )
        for tier in sorted(_TIERS, key=_TIER_ORDER.__getitem__)
    ]
    tag_badges = sorted(
        (BadgeSummary.of_row(badge) for badge in rows if badge.tag_id is not None),
        key=lambda b: (_TIER_ORDER[BadgeTier(b.tier)], -b.award_count, b.name),
    )
    return BadgeListPage(tiers=tiers, tag_badges=tag_badges)


@dataclass(frozen=True)
class BadgeDetailPage:
    badge: BadgeSummary
    awards: Page[BadgeAward]


AWARDS_PER_PAGE = 30


def badge_detail_page(*, slug: str, page: Any = 1) -> BadgeDetailPage:
    """A badge and one page of its awards, most recent first, with the members
    and posts they link to (three queries: badge, count, rows)."""
    row = Badge.objects.select_related("tag").filter(slug=slug).first()
    if row is None:
        definition = DEFINITIONS.get(slug)
        if definition is None:
            raise Http404("No such badge.")
        row = Badge(slug=slug, **definition.row_fields())  # defined, not awarded yet
    awards = (
        BadgeAward.objects.filter(badge_id=row.pk)
        .select_related("user", "post", "post__parent")
        .only(
            "awarded_at",
            "key",
            "user__username",
            "user__display_name",
            "user__reputation",
            "post__post_type",
            "post__title",
            "post__slug",
            "post__deleted_at",
            "post__parent__title",
            "post__parent__slug",
        )
        .order_by("-awarded_at", "-pk")
    )
    if row.pk is None:
        awards = awards.none()
    return BadgeDetailPage(
        badge=BadgeSummary.of_row(row),
        awards=Paginator(awards, AWARDS_PER_PAGE).get_page(page),
    )
