"""HTML views of the Q&A core: parse input, call one service or selector, render.

Actions that the page script performs without a reload (vote, accept) answer
JSON when the request asks for it (``Accept: application/json``) and redirect
back otherwise, so every action also works with scripts turned off.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.selectors import spotlight_current
from entraide.errors import ApplicationError
from entraide.http import error_response, messages_of, wants_json
from entraide.links import link
from notifications.selectors import with_follow_state
from search import sessions as search_sessions

from . import page_cache, permissions, selectors, services
from .forms import (
    AnswerEditForm,
    AnswerForm,
    CommentForm,
    QuestionEditForm,
    QuestionForm,
    VoteForm,
)
from .models import Category, Comment, Post, Tag, thread_url


def _form_error(form: Any, error: Exception) -> None:
    """Show a service's refusal next to the form's fields."""
    if isinstance(error, ValidationError):
        form.add_error(None, error)
    else:
        form.add_error(None, messages_of(error)[0])


# Lists ----------------------------------------------------------------------


def _question_list_page(
    request: HttpRequest, template_context: dict[str, Any], **filters: Any
) -> HttpResponse:
    sort = selectors.QuestionSort.parse(request.GET.get("sort"))
    page = selectors.question_list(sort=sort, page=request.GET.get("page"), **filters)
    context = {"page": page, "sort": sort, "sorts": selectors.QuestionSort.CHOICES}
    return render(request, "qa/question_list.html", {**context, **template_context})


@page_cache.for_visitors
def home(request: HttpRequest) -> HttpResponse:
    """The question list with the member spotlight on top (cached five minutes)."""
    context = {
        "heading": _("All questions"),
        "feed_url": link("feeds:questions"),
        "spotlight": spotlight_current(),
    }
    return _question_list_page(request, context)


@page_cache.for_visitors
def question_list(request: HttpRequest) -> HttpResponse:
    return _question_list_page(
        request, {"heading": _("All questions"), "feed_url": link("feeds:questions")}
    )


@page_cache.for_visitors
def tag_detail(request: HttpRequest, name: str) -> HttpResponse:
    tag = get_object_or_404(with_follow_state(Tag.objects.all(), request.user, "tag"), name=name)
    context = {
        "heading": _("Questions tagged %(tag)s") % {"tag": tag.name},
        "tag": tag,
        "feed_url": link("feeds:tag", name=tag.name),
    }
    return _question_list_page(request, context, tag=tag)


@page_cache.for_visitors
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(
        with_follow_state(Category.objects.all(), request.user, "category"), slug=slug
    )
    return _question_list_page(
        request,
        {
            "heading": category.name,
            "category": category,
            "feed_url": link("feeds:category", slug=category.slug),
            "category_path": selectors.category_path(category.pk),
            "subcategories": [c for c in selectors.category_tree() if c.parent_id == category.pk],
        },
        category=category,
    )


def tag_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:35]
    return render(
        request, "qa/tag_list.html", {"tags": selectors.tag_list(query=query)[:200], "q": query}
    )


def category_list(request: HttpRequest) -> HttpResponse:
    return render(request, "qa/category_list.html", {"categories": selectors.category_tree()})


# The question page ----------------------------------------------------------


def _render_question(
    request: HttpRequest,
    question_id: int,
    *,
    answer_form: AnswerForm | None = None,
    comment_form: CommentForm | None = None,
    comment_post_id: int | None = None,
    status: int = 200,
) -> HttpResponse:
    page = selectors.question_page(question_id=question_id, viewer=request.user)
    return _render_page(
        request,
        page,
        answer_form=answer_form,
        comment_form=comment_form,
        comment_post_id=comment_post_id,
        status=status,
    )


def _render_page(
    request: HttpRequest,
    page: selectors.QuestionPage,
    *,
    answer_form: AnswerForm | None = None,
    comment_form: CommentForm | None = None,
    comment_post_id: int | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    context = {
        "page": page,
        "question": page.question,
        "answer_form": answer_form or AnswerForm(),
        "comment_form": comment_form,
        "comment_post_id": comment_post_id,
        "can_answer": permissions.can_answer_question(user, page.question),
        "can_accept": permissions.can_accept_answer(user, page.question),
        "max_comment_depth": settings.QA["COMMENT_MAX_DEPTH"],
    }
    return render(request, "qa/question_detail.html", context, status=status)


def _question_from_cache(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse | None:
    response = page_cache.cached(request, pk, slug)
    if response is not None:
        services.question_view_record(question_id=pk)
    return response


@page_cache.served_early(_question_from_cache)
def question_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    def build() -> page_cache.Built:
        return _question_detail(request, pk, slug)

    if page_cache.is_cacheable(request):
        response = page_cache.serve(request, pk, slug, build)
    else:
        response = build().response
    if response.status_code == 200:
        services.question_view_record(question_id=pk)
    return response


def _question_detail(request: HttpRequest, pk: int, slug: str) -> page_cache.Built:
    page = selectors.question_page(question_id=pk, viewer=request.user)
    if slug != page.question.slug:
        return page_cache.Built(redirect(page.question, permanent=True))
    seconds = page_cache.seconds_for(page.newest_date())
    return page_cache.Built(_render_page(request, page), seconds=seconds)


def answer_link(request: HttpRequest, pk: int) -> HttpResponse:
    answer = get_object_or_404(Post.objects.answers().select_related("parent"), pk=pk)
    return redirect(thread_url(answer))


@login_required
def question_ask(request: HttpRequest) -> HttpResponse:
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_ask(
                author=request.user,
                support_visit_id=search_sessions.visit_id(request, "ask"),
                **form.cleaned_data,
            )
        except (ValidationError, PermissionDenied, ApplicationError) as error:
            _form_error(form, error)
        else:
            return redirect(question)
    status = 400 if form.errors else 200
    return render(request, "qa/question_form.html", {"form": form, "is_new": True}, status=status)


@login_required
def answer_create(request: HttpRequest, pk: int) -> HttpResponse:
    question = selectors.post_for_action(pk)
    if request.method != "POST":
        return redirect(thread_url(question))
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            answer = services.answer_post(
                author=request.user, question=question, body=form.cleaned_data["body"]
            )
        except (ValidationError, PermissionDenied, ApplicationError) as error:
            _form_error(form, error)
        else:
            return redirect(thread_url(answer))
    return _render_question(request, question.question_id, answer_form=form, status=400)


@login_required
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a comment or a reply; GET shows the reply form on its own page.

    The page script posts here with ``Accept: application/json`` and inserts
    the returned HTML, so replying needs no reload.
    """
    post = selectors.post_for_action(pk)
    form = CommentForm(request.POST or None, initial={"parent": request.GET.get("parent")})
    if request.method == "GET":
        parent_comment = Comment.objects.filter(pk=_int_or_zero(form.initial["parent"])).first()
        return render(
            request, "qa/comment_form.html", {"form": form, "post": post, "parent": parent_comment}
        )
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        parent_id = form.cleaned_data["parent"]
        parent = Comment.objects.filter(pk=parent_id).first() if parent_id else None
        if parent_id and parent is None:
            raise ValidationError({"parent": _("The comment you reply to does not exist.")})
        comment = services.comment_add(
            author=request.user, post=post, body=form.cleaned_data["body"], parent=parent
        )
    except (ValidationError, PermissionDenied, ApplicationError) as error:
        if wants_json(request):
            return error_response(request, error, thread_url(post))
        if form.is_bound and not form.errors:
            _form_error(form, error)
        return _render_question(
            request, post.question_id, comment_form=form, comment_post_id=post.pk, status=400
        )
    if wants_json(request):
        context = {
            "comment": comment,
            "post": post,
            "max_comment_depth": settings.QA["COMMENT_MAX_DEPTH"],
        }
        html = render_to_string("qa/_comment.html", context, request=request)
        return JsonResponse({"id": comment.pk, "html": html}, status=201)
    return redirect(f"{thread_url(post).split('#')[0]}#comment-{comment.pk}")


def _int_or_zero(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _post_action(
    request: HttpRequest, pk: int, act: Callable[[Post], dict[str, Any]]
) -> HttpResponse:
    post = selectors.post_for_action(pk)
    if not request.user.is_authenticated:
        return error_response(
            request, PermissionDenied(_("You must log in first.")), thread_url(post)
        )
    try:
        result = act(post)
    except (ValidationError, PermissionDenied, ApplicationError) as error:
        return error_response(request, error, thread_url(post))
    if wants_json(request):
        return JsonResponse(result)
    return redirect(thread_url(post))


@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    form = VoteForm(request.POST)

    def act(post: Post) -> dict[str, Any]:
        if not form.is_valid():
            raise ValidationError({"value": _("A vote is up (1), down (-1) or retracted (0).")})
        result = services.vote_cast(voter=request.user, post=post, value=form.cleaned_data["value"])
        return {"score": result.score, "vote": result.value}

    return _post_action(request, pk, act)


@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    def act(answer: Post) -> dict[str, Any]:
        if request.POST.get("action") == "unaccept":
            services.answer_unaccept(user=request.user, answer=answer)
            return {"accepted": False, "answer": answer.pk}
        services.answer_accept(user=request.user, answer=answer)
        return {"accepted": True, "answer": answer.pk}

    return _post_action(request, pk, act)


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_for_action(pk)
    decision = permissions.can_edit_post(request.user, post)
    if not decision:
        if request.method == "GET" and permissions.can_suggest_edit(request.user, post):
            return redirect("qa:post_suggest_edit", pk=post.pk)
        return error_response(request, PermissionDenied(decision.reason), thread_url(post))
    form_class = QuestionEditForm if post.is_question else AnswerEditForm
    initial: dict[str, Any] = {"body": post.body_source}
    if post.is_question:
        initial |= {
            "title": post.title,
            "tags": " ".join(post.tags.values_list("name", flat=True)),
            "category": post.category_id,
        }
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(editor=request.user, post=post, **form.cleaned_data)
        except (ValidationError, PermissionDenied, ApplicationError) as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your edit is saved."))
            return redirect(thread_url(post))
    status = 400 if form.errors else 200
    return render(
        request,
        "qa/question_form.html",
        {"form": form, "post": post, "is_new": False},
        status=status,
    )


@login_required
def post_delete(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_for_action(pk)
    if request.method == "POST":
        try:
            services.post_delete(user=request.user, post=post)
        except (ValidationError, PermissionDenied, ApplicationError) as error:
            return error_response(request, error, thread_url(post))
        messages.success(request, _("The post is deleted. You can still see it; others cannot."))
        return redirect(thread_url(post))
    decision = permissions.can_delete_post(request.user, post)
    if not decision:
        return error_response(request, PermissionDenied(decision.reason), thread_url(post))
    return render(request, "qa/post_confirm_delete.html", {"post": post, "back": thread_url(post)})
