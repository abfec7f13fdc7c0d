"""FAQ and wiki helpfulness for the engagement panel: the "was this helpful?"
answers given in the period (as they stand now: a visitor who changed their
mind counts once, with their last answer), each figure one aggregate query.

With a category filter only FAQ entries of that category count: wiki pages
have no category.
"""

from typing import Any

from django.utils.translation import gettext as _

from wiki.models import FaqEntry, HelpfulVote, WikiPage

from .selectors import Period, Table, _category_filter, _rows, _share

MIN_ANSWERS_FOR_LEAST_HELPFUL = 3
ITEMS_SHOWN = 20

_VOTES = HelpfulVote._meta.db_table
_FAQ = FaqEntry._meta.db_table
_WIKI = WikiPage._meta.db_table


def _votes_in(period: Period) -> tuple[str, list[Any]]:
    """FROM … WHERE for the period's votes, joined to their item's title."""
    where, params = _category_filter(period, "f.category_id")
    if where:
        where = f" AND v.kind = '{HelpfulVote.Kind.FAQ}'{where}"
    return (
        f"""FROM {_VOTES} v
        LEFT JOIN {_FAQ} f ON v.kind = '{HelpfulVote.Kind.FAQ}' AND f.id = v.object_id
        LEFT JOIN {_WIKI} w ON v.kind = '{HelpfulVote.Kind.WIKI}' AND w.id = v.object_id
        WHERE v.created_at >= %s AND v.created_at < %s{where}""",
        [period.start, period.end, *params],
    )


_YES = "SUM(CASE WHEN v.is_helpful THEN 1 ELSE 0 END)"


def _items(period: Period, *, order: str, having: str = "") -> list[tuple[Any, ...]]:
    source, params = _votes_in(period)
    return _rows(
        f"""
        SELECT v.kind, COALESCE(f.question, w.title), COUNT(*) AS answers, {_YES} AS yes
          {source}
         GROUP BY v.kind, v.object_id, f.question, w.title
        {having}
         ORDER BY {order}, v.kind, v.object_id
         LIMIT {ITEMS_SHOWN}""",
        params,
    )


def _table(slug: str, title: str, rows: list[tuple[Any, ...]], note: str) -> Table:
    kinds = {HelpfulVote.Kind.FAQ: _("FAQ entry"), HelpfulVote.Kind.WIKI: _("Wiki page")}
    return Table(
        slug,
        title,
        [_("Page"), _("Kind"), _("Answers"), _("Yes"), _("No"), _("Helpful")],
        [
            [
                name or _("(deleted)"),
                kinds.get(kind, kind),
                answers,
                int(yes or 0),
                answers - int(yes or 0),
                _share(yes, answers),
            ]
            for kind, name, answers, yes in rows
        ],
        note=note,
    )


def helpfulness(period: Period) -> tuple[list[Table], list[tuple[str, str]]]:
    """The most answered and the least helpful pages, and the share of "yes"
    answers for the FAQ and for the wiki."""
    source, params = _votes_in(period)
    totals = {
        kind: (answers, yes)
        for kind, answers, yes in _rows(
            f"SELECT v.kind, COUNT(*), {_YES} {source} GROUP BY v.kind", params
        )
    }
    figures = []
    for kind, label in (
        (HelpfulVote.Kind.FAQ, _("FAQ found helpful")),
        (HelpfulVote.Kind.WIKI, _("Wiki found helpful")),
    ):
        answers, yes = totals.get(kind, (0, 0))
        shown = _("%(share)s of %(answers)s") % {"share": _share(yes, answers), "answers": answers}
        figures.append((label, shown if answers else "–"))
    scope = _(
        "“Was this helpful?” answers given in the period, one per visitor or member and "
        "item (their latest)."
    )
    if period.category is not None:
        scope += " " + _("With a category chosen, only its FAQ entries (wiki pages have none).")
    least = f"{_YES} * 1.0 / COUNT(*)"
    tables = [
        _table(
            "helpfulness-most-answered",
            _("FAQ and wiki: most answered"),
            _items(period, order="answers DESC"),
            scope,
        ),
        _table(
            "helpfulness-least-helpful",
            _("FAQ and wiki: least helpful"),
            _items(
                period,
                order=f"{least}, answers DESC",
                having=f"HAVING COUNT(*) >= {MIN_ANSWERS_FOR_LEAST_HELPFUL}",
            ),
            _(
                "Pages with at least %(n)s answers, the lowest share of “yes” first: "
                "the ones to rewrite."
            )
            % {"n": MIN_ANSWERS_FOR_LEAST_HELPFUL},
        ),
    ]
    return tables, figures
