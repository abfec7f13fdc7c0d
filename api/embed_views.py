"""API v1 for embedding: oEmbed (and, with search, instant answers)."""

from django.conf import settings
from django.utils.html import escape
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from embed import selectors as embed_selectors

from . import serializers as s
from .conditional import ApiView
from .views import valid

CARD_WIDTH = 600
CARD_HEIGHT = 320


class OEmbedView(ApiView):
    problem_codes = [404]

    @extend_schema(
        operation_id="oembed",
        parameters=[
            OpenApiParameter("url", str, required=True, description="A question or answer URL."),
            OpenApiParameter("format", str, enum=["json"]),
            OpenApiParameter("maxwidth", int),
            OpenApiParameter("maxheight", int),
            OpenApiParameter("client", str, description="Your API key's prefix (public)."),
        ],
        responses=s.OEmbedSerializer,
        tags=["embedding"],
    )
    def get(self, request: Request) -> Response:
        """oEmbed for a question (its accepted or best answer) or an answer: a card
        in an iframe, which only the client's allowed origins may frame."""
        query = valid(s.OEmbedQuerySerializer, request.query_params)
        answer = embed_selectors.answer_for_card(
            answer_id=embed_selectors.answer_id_for_url(query["url"], host=request.get_host())
        )
        width = min(query.get("maxwidth", CARD_WIDTH), CARD_WIDTH)
        height = min(query.get("maxheight", CARD_HEIGHT), CARD_HEIGHT)
        site = settings.SITE_URL.rstrip("/")
        src = f"{site}/embed/answers/{answer.pk}/"
        if query.get("client"):
            src += f"?client={query['client']}"
        question = answer.parent
        title = question.title  # type: ignore[union-attr]
        return Response(
            {
                "version": "1.0",
                "type": "rich",
                "provider_name": "Entraide",
                "provider_url": site + "/",
                "title": title,
                "author_name": answer.author.public_name,
                "author_url": site + answer.author.get_absolute_url(),
                "html": (
                    f'<iframe src="{escape(src)}" width="{width}" height="{height}" '
                    f'title="{escape(title)}" style="border:0" loading="lazy"></iframe>'
                ),
                "width": width,
                "height": height,
                "cache_age": 3600,
            }
        )
