"""Deflection and content gaps, from the search log and the deflection ledger that
the search app keeps (issue 6). The panels show once its tables exist
(``is_available``); each figure is one aggregate query."""

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .charts import weekly_chart
from .refresh import week_sql
from .selectors import Panel, Period, Table, _as_date, _number, _rows, _share

# Searches and support visits belong to no category.
_WHOLE_SITE = gettext_lazy(
    "Searches and support visits have no category: this panel covers the whole site."
)


def is_available() -> bool:
    """Whether the search app has its log and ledger models (no query)."""
    return all(
        name in apps.all_models.get("search", {})
        for name in ("searchlog", "supportvisit", "contactrequest")
    )


def faq_drafts_available() -> bool:
    return apps.is_installed("wiki")


def deflection(period: Period) -> Panel:
    """Searches, clicks, "this solved it", contact requests, the deflection rate
    and tickets saved, per week."""
    span = [period.start, period.end]
    searches = {
        _as_date(week): (n, clicked)
        for week, n, clicked in _rows(
            f"SELECT {week_sql('created_at')} AS week, COUNT(*),"
            " SUM(CASE WHEN clicked_at IS NOT NULL THEN 1 ELSE 0 END)"
            " FROM search_searchlog WHERE created_at >= %s AND created_at < %s GROUP BY week",
            span,
        )
    }
    visits = {
        _as_date(week): (ended, solved, left, sent)
        for week, ended, solved, left, sent in _rows(
            f"SELECT {week_sql('started_at')} AS week,"
            " SUM(CASE WHEN outcome <> 'open' THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN outcome = 'solved' THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN outcome = 'left' THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN outcome = 'sent' THEN 1 ELSE 0 END)"
            " FROM search_supportvisit WHERE flow = 'contact'"
            " AND started_at >= %s AND started_at < %s GROUP BY week",
            span,
        )
    }
    weeks = period.weeks()
    rows = []
    for week in weeks:
        n, clicked = searches.get(week, (0, 0))
        ended, solved, left, sent = (int(v or 0) for v in visits.get(week, (0, 0, 0, 0)))
        rate = 100 * (ended - sent) / ended if ended else None
        rows.append([week, n, int(clicked or 0), solved, sent, rate, solved + left])
    totals = [sum(row[i] for row in rows) for i in (1, 2, 3, 4, 6)]
    ended_total = sum(int((visits.get(w) or (0,))[0] or 0) for w in weeks)
    table = Table(
        "deflection-weekly",
        _("Deflection per week"),
        [
            _("Week of"),
            _("Searches"),
            _("Searches with a click"),
            _("“This solved it”"),
            _("Contact requests"),
            _("Deflection rate"),
            _("Tickets saved"),
        ],
        [
            [w.isoformat(), n, c, s, r, "–" if rate is None else f"{rate:.0f}%", saved]
            for w, n, c, s, r, rate, saved in rows
        ],
        note=_(
            "Deflection rate: contact-support visits that ended without a request ÷ all "
            "contact-support visits that ended. Tickets saved: visits that ended with “this "
            "solved it” or after reading a suggestion (the deflection ledger)."
        ),
    )
    return Panel(
        _("Deflection"),
        tables=[table],
        charts=[
            weekly_chart(
                _("Deflection rate"),
                [(w, rate) for w, *_, rate, _s in rows],
                kind="line",
                percent=True,
            ),
            weekly_chart(_("Tickets saved per week"), [(w, saved) for w, *_, saved in rows]),
        ],
        figures=[
            (_("Searches"), _number(totals[0])),
            (_("With a click"), _share(totals[1], totals[0])),
            (_("“This solved it”"), _number(totals[2])),
            (_("Contact requests"), _number(totals[3])),
            (_("Deflection rate"), _share(ended_total - totals[3], ended_total)),
            (_("Tickets saved"), _number(totals[4])),
        ],
        note=str(_WHOLE_SITE) if period.category else "",
    )


def content_gaps(period: Period) -> Panel:
    """The searches that found nothing, and those whose results nobody opened."""
    span = [period.start, period.end]
    empty = _rows(
        "SELECT LOWER(query), COUNT(*), MAX(created_at) FROM search_searchlog"
        " WHERE result_count = 0 AND created_at >= %s AND created_at < %s AND query <> ''"
        " GROUP BY LOWER(query) ORDER BY COUNT(*) DESC, LOWER(query) LIMIT 20",
        span,
    )
    unclicked = _rows(
        "SELECT LOWER(query), COUNT(*), AVG(result_count) FROM search_searchlog"
        " WHERE result_count > 0 AND clicked_at IS NULL AND created_at >= %s"
        " AND created_at < %s AND query <> ''"
        " GROUP BY LOWER(query) HAVING COUNT(*) >= 2"
        " ORDER BY COUNT(*) DESC, LOWER(query) LIMIT 20",
        span,
    )
    return Panel(
        _("Content gaps"),
        tables=[
            Table(
                "searches-without-result",
                _("Top searches with no result"),
                [_("Search"), _("Times"), _("Last searched")],
                [[q, n, str(last)[:16]] for q, n, last in empty],
                drafts_from_rows=faq_drafts_available(),
            ),
            Table(
                "searches-without-click",
                _("Top searches nobody clicked"),
                [_("Search"), _("Times"), _("Results on average")],
                [[q, n, round(float(avg), 1)] for q, n, avg in unclicked],
                drafts_from_rows=faq_drafts_available(),
            ),
        ],
        note=_(
            "Turn a frequent search into a FAQ entry: “Start a FAQ draft” creates a draft "
            "with the search as its question."
        )
        + (f" {_WHOLE_SITE}" if period.category else ""),
    )


def faq_draft_fields(query: str, times: int) -> dict[str, str]:
    """A FAQ draft's question and placeholder answer, from a search."""
    query = " ".join(query.split())[:150]
    question = query[:1].upper() + query[1:]
    if len(question) < 10:
        question = _("What about “%(query)s”") % {"query": query}
    if not question.endswith("?"):
        question += "?"
    answer = ngettext(
        "Draft started from the staff dashboard: “%(query)s” was searched %(times)d time "
        "without a result anyone opened. Write the answer customers need here.",
        "Draft started from the staff dashboard: “%(query)s” was searched %(times)d times "
        "without a result anyone opened. Write the answer customers need here.",
        times,
    ) % {"query": query, "times": times}
    return {"question": question, "answer": answer}
