"""Badges.xml: awards of the badges we also have, matched by name.

Tag badges match a tag of the same name and the tier of the dump's class.
A per-post badge (Nice Answer, Famous Question…) needs its post, which the
dump does not name: it goes to the member's earliest post that earns it by
our rule and does not hold it yet. Each dump row is mapped to its award, so
a re-run never awards twice.
"""

from collections import Counter
from typing import TYPE_CHECKING

from django.db.models import F

from qa.models import Tag
from reputation.badges import BADGES, TAG_BADGE_TIERS, badge_earning_posts, badge_get
from reputation.models import Badge, BadgeAward, BadgeTier

from .fields import as_date, as_int
from .models import ImportedBadge, ImportedUser, ImportSite
from .report import FileReport

if TYPE_CHECKING:
    from .importer import Importer

_BY_NAME = {definition.name.lower(): definition for definition in BADGES}
_TAG_TIER_BY_CLASS = {
    "1": BadgeTier.GOLD,
    "2": BadgeTier.SILVER,
    "3": BadgeTier.BRONZE,
}
_TAG_TIER_SLUG = {tier.tier: tier.slug for tier in TAG_BADGE_TIERS}


def import_badges(importer: "Importer", rows: list[dict[str, str]], report: FileReport) -> None:
    site = importer.site
    parsed = [(sid, row) for row in rows if (sid := importer._source_id(report, row)) is not None]
    done = set(
        ImportedBadge.objects.filter(site=site, source_id__in=[s for s, _ in parsed]).values_list(
            "source_id", flat=True
        )
    )
    users = dict(
        ImportedUser.objects.filter(
            site=site, source_id__in={as_int(row.get("UserId")) for _, row in parsed} - {None}
        ).values_list("source_id", "user_id")
    )
    tag_names = {
        (row.get("Name") or "").lower() for _, row in parsed if row.get("TagBased") == "True"
    }
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=tag_names)}
    badges: dict[tuple[str, int | None], Badge] = {}
    chosen_posts: set[tuple[int, int]] = set()
    wanted: list[tuple[int, BadgeAward]] = []
    for sid, row in parsed:
        if sid in done:
            report.unchanged += 1
            continue
        user_id = users.get(as_int(row.get("UserId")) or 0)
        if user_id is None:
            report.skip("badge of a member not in the dump", sid)
            continue
        name = (row.get("Name") or "").strip()
        awarded_at = as_date(row.get("Date"))
        if row.get("TagBased") == "True":
            tag = tags.get(name.lower())
            tier = _TAG_TIER_BY_CLASS.get(row.get("Class", ""))
            if tag is None or tier is None:
                report.skip("tag badge of a tag not imported", sid)
                continue
            slug = _TAG_TIER_SLUG[tier]
            badge = badges.get((slug, tag.pk)) or badge_get(slug, tag=tag)
            badges[slug, tag.pk] = badge
            wanted.append((sid, BadgeAward(user_id=user_id, badge=badge, key=tag.name)))
            continue
        definition = _BY_NAME.get(name.lower())
        if definition is None:
            report.skip("badge with no equivalent here", sid)
            continue
        badge = badges.get((definition.slug, None)) or badge_get(definition.slug)
        badges[definition.slug, None] = badge
        post_id = None
        if definition.is_per_post:
            post_id = _earning_post(definition.slug, user_id, badge, chosen_posts)
            if post_id is None:
                report.skip("per-post badge with no earning post here", sid)
                continue
            chosen_posts.add((badge.pk, post_id))
        award = BadgeAward(
            user_id=user_id,
            badge=badge,
            key=str(post_id) if post_id else "",
            post_id=post_id,
        )
        if awarded_at:
            award.awarded_at = awarded_at
        wanted.append((sid, award))
    _save(site, wanted, report)


def _earning_post(
    slug: str, user_id: int, badge: Badge, chosen: set[tuple[int, int]]
) -> int | None:
    earning = badge_earning_posts(slug)
    if earning is None:
        return None
    held = BadgeAward.objects.filter(badge=badge, user_id=user_id).values_list("key", flat=True)
    for post_id in (
        earning.filter(author_id=user_id)
        .exclude(pk__in=[int(key) for key in held if key.isdigit()])
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:10]
    ):
        if (badge.pk, post_id) not in chosen:
            return post_id
    return None


def _save(site: ImportSite, wanted: list[tuple[int, BadgeAward]], report: FileReport) -> None:
    """Insert the awards not held yet and map every row to its award."""
    if not wanted:
        return

    def triple(award: BadgeAward) -> tuple[int, int, str]:
        return (award.user_id, award.badge_id, award.key)

    def held() -> dict[tuple[int, int, str], int]:
        return {
            (user_id, badge_id, key): pk
            for pk, user_id, badge_id, key in BadgeAward.objects.filter(
                user_id__in={a.user_id for _, a in wanted},
                badge_id__in={a.badge_id for _, a in wanted},
            ).values_list("pk", "user_id", "badge_id", "key")
        }

    before = held()
    fresh: dict[tuple[int, int, str], BadgeAward] = {}
    for _, award in wanted:
        if triple(award) not in before:
            fresh.setdefault(triple(award), award)
    BadgeAward.objects.bulk_create(fresh.values(), ignore_conflicts=True)
    after = held()
    ImportedBadge.objects.bulk_create(
        ImportedBadge(site=site, source_id=sid, award_id=after[triple(award)])
        for sid, award in wanted
        if triple(award) in after
    )
    gained = Counter(key[1] for key in fresh if key in after and key not in before)
    for badge_id, count in gained.items():
        Badge.objects.filter(pk=badge_id).update(award_count=F("award_count") + count)
    report.imported += len(fresh)
    report.unchanged += len(wanted) - len(fresh)
