"""API v1: FAQ entries and wiki pages (by path), with their revisions and diffs.

Reads go through the wiki's selectors, so the API shows what the pages show:
published FAQ entries to everyone, drafts and entries in review to curators.
"""

from urllib.parse import urlencode

from django.shortcuts import redirect
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from wiki import selectors as wiki_selectors
from wiki.faq_views import ENTRY_FIELDS
from wiki.models import FaqEntry, WikiPage
from wiki.views import PAGE_FIELDS

from . import serializers as s
from .conditional import ApiView
from .content_views import DIFF_PARAMETERS, diff_response, revisions_page
from .pagination import paginate, paginated_response
from .schema import page_of
from .selectors import faq_rows
from .views import CURSOR_PARAMETERS, valid

PATH_PARAMETER = OpenApiParameter(
    "path", str, description="The page's path, e.g. “billing/invoices” (empty: the home page)."
)


class FaqListView(ApiView):
    @extend_schema(
        operation_id="faq_list",
        parameters=[
            OpenApiParameter("category", str, description="A category's slug."),
            *CURSOR_PARAMETERS,
        ],
        responses=page_of(s.FaqEntrySummarySerializer),
        tags=["faq"],
    )
    def get(self, request: Request) -> Response:
        """Published FAQ entries, newest publication first."""
        rows = faq_rows(category=request.query_params.get("category", "")[:80])
        page = paginate(request, rows, ("-published_at", "-id"))
        return paginated_response(page, s.FaqEntrySummarySerializer(page.rows, many=True).data)


def _entry(request: Request, slug: str) -> FaqEntry:
    return wiki_selectors.faq_entry_for(slug[:80], request.user)


class FaqDetailView(ApiView):
    @extend_schema(responses=s.FaqEntrySerializer, tags=["faq"])
    def get(self, request: Request, slug: str) -> Response:
        """A FAQ entry with its answer (HTML and Markdown) and who it came from."""
        entry = _entry(request, slug)
        self.last_modified = entry.updated_at
        return Response(s.FaqEntrySerializer(entry).data)


class FaqRevisionsView(ApiView):
    @extend_schema(
        operation_id="faq_revisions_list",
        parameters=CURSOR_PARAMETERS,
        responses=page_of(s.FaqRevisionSerializer),
        tags=["faq"],
    )
    def get(self, request: Request, slug: str) -> Response:
        """A FAQ entry's revisions (edits and status changes), newest first."""
        return revisions_page(self, request, _entry(request, slug), s.FaqRevisionSerializer)


class FaqDiffView(ApiView):
    @extend_schema(
        operation_id="faq_diff",
        parameters=DIFF_PARAMETERS,
        responses=s.DiffSerializer,
        tags=["faq"],
    )
    def get(self, request: Request, slug: str) -> Response:
        """The changes between two revisions of a FAQ entry."""
        return diff_response(request, _entry(request, slug), ENTRY_FIELDS)


def _page(request: Request) -> WikiPage | str:
    """The page at ``?path=``, or where a moved page now lives."""
    query = valid(s.WikiQuerySerializer, request.query_params)
    lookup = wiki_selectors.wiki_page_at(query.get("path", ""))
    if lookup.page is None:
        return lookup.redirect_to
    return lookup.page


def _moved(request: Request, site_url: str) -> Response:
    """A moved page: 301 to the same API resource at the page's new path."""
    path = site_url.removeprefix("/wiki/").strip("/")
    target = request.build_absolute_uri(request.path) + "?" + urlencode({"path": path})
    return redirect(target, permanent=True)  # type: ignore[return-value]


class WikiPageView(ApiView):
    problem_codes = [404]  # no page at that path

    @extend_schema(
        operation_id="wiki_page",
        parameters=[PATH_PARAMETER],
        responses={200: s.WikiPageSerializer, 301: None},
        tags=["wiki"],
    )
    def get(self, request: Request) -> Response:
        """A wiki page by path, with its breadcrumbs and child pages. A page that
        moved answers 301 to its new path."""
        page = _page(request)
        if isinstance(page, str):
            return _moved(request, page)
        view = wiki_selectors.wiki_page_view(page)
        page.ancestors = view.ancestors
        page.children_list = view.children
        self.last_modified = page.updated_at
        return Response(s.WikiPageSerializer(page).data)


class WikiRevisionsView(ApiView):
    problem_codes = [404]  # no page at that path

    @extend_schema(
        operation_id="wiki_revisions_list",
        parameters=[PATH_PARAMETER, *CURSOR_PARAMETERS],
        responses={200: page_of(s.WikiRevisionSerializer), 301: None},
        tags=["wiki"],
    )
    def get(self, request: Request) -> Response:
        """A wiki page's revisions, newest first."""
        page = _page(request)
        if isinstance(page, str):
            return _moved(request, page)
        return revisions_page(self, request, page, s.WikiRevisionSerializer)


class WikiDiffView(ApiView):
    problem_codes = [404]  # no page at that path

    @extend_schema(
        operation_id="wiki_diff",
        parameters=[PATH_PARAMETER, *DIFF_PARAMETERS],
        responses={200: s.DiffSerializer, 301: None},
        tags=["wiki"],
    )
    def get(self, request: Request) -> Response:
        """The changes between two revisions of a wiki page."""
        page = _page(request)
        if isinstance(page, str):
            return _moved(request, page)
        return diff_response(request, page, PAGE_FIELDS)
