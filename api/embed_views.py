"""API v1 for embedding: instant answers, "Was this helpful?", oEmbed."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.html import escape
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from embed import selectors as embed_selectors
from embed.feedback import visitor
from entraide.links import link
from search import services as search_services
from search.instant import instant_answers
from search.models import ItemKind

from . import serializers as s
from .conditional import ApiView
from .models import ApiKey, Scope
from .views import valid

CARD_WIDTH = 600
CARD_HEIGHT = 320


class OEmbedView(ApiView):
    problem_codes = [404]

    @extend_schema(
        operation_id="oembed",
        parameters=[
            OpenApiParameter(
                "url", str, required=True, description="A question, answer or FAQ entry URL."
            ),
            OpenApiParameter("format", str, enum=["json"]),
            OpenApiParameter("maxwidth", int),
            OpenApiParameter("maxheight", int),
            OpenApiParameter("client", str, description="Your API key's prefix (public)."),
        ],
        responses=s.OEmbedSerializer,
        tags=["embedding"],
    )
    def get(self, request: Request) -> Response:
        """oEmbed for a question (its accepted or best answer), an answer or a FAQ
        entry: a card in an iframe, which only the client's allowed origins may frame."""
        query = valid(s.OEmbedQuerySerializer, request.query_params)
        site = settings.SITE_URL.rstrip("/")
        slug = embed_selectors.faq_slug_for_url(query["url"], host=request.get_host())
        if slug is not None:
            entry = embed_selectors.faq_entry_for_card(slug=slug)
            src = f"{site}/embed/faq/{entry.slug}/"
            title = entry.question
            author = entry.attributed_to
            author_name = author.public_name if author else "Entraide"
            author_url = site + (author.get_absolute_url() if author else "/faq/")
        else:
            answer = embed_selectors.answer_for_card(
                answer_id=embed_selectors.answer_id_for_url(query["url"], host=request.get_host())
            )
            src = f"{site}/embed/answers/{answer.pk}/"
            title = answer.parent.title  # type: ignore[union-attr]
            author_name = answer.author.public_name
            author_url = site + answer.author.get_absolute_url()
        width = min(query.get("maxwidth", CARD_WIDTH), CARD_WIDTH)
        height = min(query.get("maxheight", CARD_HEIGHT), CARD_HEIGHT)
        if query.get("client"):
            src += "?" + urlencode({"client": query["client"]})
        return Response(
            {
                "version": "1.0",
                "type": "rich",
                "provider_name": "Entraide",
                "provider_url": site + "/",
                "title": title,
                "author_name": author_name,
                "author_url": author_url,
                "html": (
                    f'<iframe src="{escape(src)}" width="{width}" height="{height}" '
                    f'title="{escape(title)}" style="border:0" loading="lazy"></iframe>'
                ),
                "width": width,
                "height": height,
                "cache_age": 3600,
            }
        )


class InstantAnswersView(ApiView):
    @extend_schema(
        operation_id="instant_answers",
        parameters=[
            OpenApiParameter(
                "q", str, required=True, description="The customer's text (2 to 200 characters)."
            ),
            OpenApiParameter("limit", int, description="How many answers, 1 to 10 (default 5)."),
        ],
        responses=s.InstantAnswersSerializer,
        tags=["embedding"],
    )
    def get(self, request: Request) -> Response:
        """The best few answers to a customer's free text (a ticket subject, a chat
        message), fast enough to call as they type: the site's search, answered
        questions only, each with a short excerpt, a link and its accepted/FAQ marks."""
        query = valid(s.InstantAnswersQuerySerializer, request.query_params)
        found = instant_answers(query=query["q"], limit=query.get("limit", 5))
        site = settings.SITE_URL.rstrip("/")
        api = request.build_absolute_uri("/api/v1/answers/")
        # Offered only to a key that may post it: a read-only key's widget
        # then shows no "Was this helpful?" that would be refused.
        may_feedback = isinstance(request.auth, ApiKey) and Scope.FEEDBACK in request.auth.scopes
        results = [
            {
                "question_id": answer.question_id,
                "answer_id": answer.answer_id,
                "title": answer.title,
                "excerpt": answer.excerpt,
                "url": f"{site}{link('qa:answer_link', pk=answer.answer_id)}",
                "is_accepted": answer.is_accepted,
                "is_faq": answer.faq_slug is not None,
                "faq_url": f"{site}{link('wiki:faq_entry', slug=answer.faq_slug)}"
                if answer.faq_slug
                else None,
                "detail": f"{api}{answer.answer_id}/",
                "feedback": f"{api}{answer.answer_id}/helpful/" if may_feedback else None,
            }
            for answer in found.answers
        ]
        return Response(
            {"query": found.query, "results": results, "is_degraded": found.is_degraded}
        )


class AnswerHelpfulView(ApiView):
    write_scope = Scope.FEEDBACK

    @extend_schema(
        operation_id="answers_helpful",
        request=s.HelpfulSerializer,
        responses={200: s.HelpfulResultSerializer},
        tags=["embedding"],
    )
    def post(self, request: Request, pk: int) -> Response:
        """“Was this helpful?” from a widget or an app, with an API key that has the
        feedback scope: a yes lands in the site's deflection ledger, credited to the
        answer and its author. One answer per visitor and answer a day counts."""
        key = request.auth
        if not isinstance(key, ApiKey):
            # The ledger counts help centres' visitors; members use the site's buttons.
            raise exceptions.NotAuthenticated(_("Send an API key with the feedback scope."))
        data = valid(s.HelpfulSerializer, request.data)
        try:
            _visit, is_new = search_services.embed_feedback_record(
                visitor=visitor(request.META, key, ItemKind.ANSWER, pk),
                item_kind=ItemKind.ANSWER,
                item_id=pk,
                is_helpful=data["helpful"],
                query=data.get("query", ""),
            )
        except ValidationError as error:  # no such visible answer
            raise Http404(" ".join(error.messages)) from None
        return Response({"helpful": data["helpful"], "is_new": is_new})
