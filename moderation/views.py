"""Moderation pages: thin views that parse input and call one service or selector."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from entraide.errors import ApplicationError
from entraide.http import error_response, messages_of
from entraide.links import link
from qa import selectors as qa_selectors
from qa import services as qa_services
from qa.models import Comment, Post, thread_url
from qa.permissions import Decision

from . import permissions, selectors, services
from .forms import (
    BlockedTermForm,
    CloseForm,
    FlagForm,
    FlagResolveForm,
    LockForm,
    LogFilterForm,
    ModeratorMessageForm,
    ReasonForm,
    ReviewForm,
    SuspendForm,
)
from .models import BlockedTerm, ModeratorMessage, ReviewQueue, ReviewTask

DOMAIN_ERRORS = (ValidationError, PermissionDenied, ApplicationError)


def _require(decision: Decision) -> None:
    if not decision:
        raise PermissionDenied(decision.reason)


def _show_error(form: Any, error: Exception) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, " ".join(messages_of(error)))


def _int(value: Any) -> int:
    """A posted id, or 0 (which matches nothing) when it is not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _question(pk: int | None) -> Post | None:
    return Post.objects.filter(pk=pk).first() if pk else None


def _act(request: HttpRequest, back: str, act: Callable[[], str]) -> HttpResponse:
    """Run a one-button action; back to ``back`` with its message, or the refusal."""
    try:
        message = act()
    except DOMAIN_ERRORS as error:
        return error_response(request, error, back)
    messages.success(request, message)
    return redirect(back)


# Flags ------------------------------------------------------------------------


def _flag_page(request: HttpRequest, *, post: Post | None, comment: Comment | None) -> HttpResponse:
    target: Any = post or comment
    back = thread_url(post or comment.post)  # type: ignore[union-attr]
    form = FlagForm(request.POST or None, for_question=post is not None and post.is_question)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_create(
                flagger=request.user,
                post=post,
                comment=comment,
                reason=form.cleaned_data["reason"],
                text=form.cleaned_data.get("text", ""),
                duplicate_of=_question(form.cleaned_data.get("duplicate_of")),
            )
        except DOMAIN_ERRORS as error:
            _show_error(form, error)
        else:
            messages.success(request, _("Thanks: your flag is with the moderators."))
            return redirect(back)
    decision = permissions.can_flag(request.user, target)
    context = {
        "form": form,
        "target": target,
        "post": post,
        "comment": comment,
        "back": back,
        "decision": decision,
    }
    return render(request, "moderation/flag_form.html", context, status=400 if form.errors else 200)


@login_required
def flag_post(request: HttpRequest, pk: int) -> HttpResponse:
    return _flag_page(request, post=qa_selectors.post_for_action(pk), comment=None)


@login_required
def flag_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    return _flag_page(request, post=None, comment=comment)


@login_required
def flag_list(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_moderate(request.user))
    return render(request, "moderation/flag_list.html", {"items": selectors.pending_flags()})


@login_required
@require_POST
def flags_resolve(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    post = get_object_or_404(Post, pk=pk) if kind == "post" else None
    comment = get_object_or_404(Comment, pk=pk) if kind == "comment" else None
    form = FlagResolveForm(request.POST)
    back = link("moderation:flag_list")

    def act() -> str:
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        count = services.flags_resolve(
            moderator=request.user,
            post=post,
            comment=comment,
            helpful=form.cleaned_data["decision"] != "decline",
            note=form.cleaned_data["note"],
            delete=form.cleaned_data["decision"] in ("delete", "spam"),
            as_spam=form.cleaned_data["decision"] == "spam",
        )
        return _("%(n)d flag(s) resolved.") % {"n": count}

    return _act(request, back, act)


# Closing, locking, protecting, deleting ---------------------------------------


@login_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    question = qa_selectors.post_for_action(pk)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.close_vote_cast(
                voter=request.user,
                question=question,
                reason=form.cleaned_data["reason"],
                duplicate_of=_question(form.cleaned_data.get("duplicate_of")),
            )
        except DOMAIN_ERRORS as error:
            _show_error(form, error)
        else:
            if result.acted:
                messages.success(request, _("The question is closed."))
            else:
                messages.success(
                    request,
                    _("Your close vote is counted (%(votes)d of %(needed)d).")
                    % {"votes": result.votes, "needed": result.needed},
                )
            return redirect(thread_url(question))
    context = {
        "form": form,
        "question": question,
        "votes": selectors.close_votes(question=question),
        "decision": permissions.can_vote_close(request.user, question),
    }
    return render(
        request, "moderation/close_form.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    question = qa_selectors.post_for_action(pk)

    def act() -> str:
        result = services.reopen_vote_cast(voter=request.user, question=question)
        if result.acted:
            return _("The question is reopened.")
        return _("Your reopen vote is counted (%(votes)d of %(needed)d).") % {
            "votes": result.votes,
            "needed": result.needed,
        }

    return _act(request, thread_url(question), act)


@login_required
def lock(request: HttpRequest, pk: int) -> HttpResponse:
    post = qa_selectors.post_for_action(pk)
    _require(permissions.can_moderate(request.user))
    form = LockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_lock(moderator=request.user, post=post, **form.cleaned_data)
        except DOMAIN_ERRORS as error:
            _show_error(form, error)
        else:
            messages.success(request, _("The post is locked."))
            return redirect(thread_url(post))
    return render(
        request,
        "moderation/lock_form.html",
        {"form": form, "post": post, "back": thread_url(post)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def unlock(request: HttpRequest, pk: int) -> HttpResponse:
    post = qa_selectors.post_for_action(pk)
    reason = ReasonForm(request.POST).data.get("reason", "")

    def act() -> str:
        services.post_unlock(moderator=request.user, post=post, reason=str(reason)[:200])
        return _("The post is unlocked.")

    return _act(request, thread_url(post), act)


@login_required
@require_POST
def protect(request: HttpRequest, pk: int) -> HttpResponse:
    question = qa_selectors.post_for_action(pk)

    def act() -> str:
        if request.POST.get("action") == "unprotect":
            services.question_unprotect(user=request.user, question=question)
            return _("The question is no longer protected.")
        services.question_protect(user=request.user, question=question)
        return _("The question is protected.")

    return _act(request, thread_url(question), act)


@login_required
@require_POST
def undelete(request: HttpRequest, pk: int) -> HttpResponse:
    post = qa_selectors.post_for_action(pk)

    def act() -> str:
        qa_services.post_undelete(user=request.user, post=post)
        return _("The post is back.")

    return _act(request, thread_url(post), act)


@login_required
@require_POST
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)

    def act() -> str:
        services.comment_delete(moderator=request.user, comment=comment)
        return _("The comment is deleted.")

    return _act(request, thread_url(comment.post), act)


@login_required
@require_POST
def comment_undelete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)

    def act() -> str:
        services.comment_undelete(moderator=request.user, comment=comment)
        return _("The comment is back.")

    return _act(request, thread_url(comment.post), act)


# Review -----------------------------------------------------------------------


def _queue_url(queue: str) -> str:
    if queue == ReviewQueue.SUGGESTED_EDITS:
        return link("qa:suggested_edit_queue")
    return reverse("moderation:review_queue", kwargs={"queue": queue})


@login_required
def review_index(request: HttpRequest) -> HttpResponse:
    counts = selectors.queue_counts()
    queues = [
        {
            "queue": queue,
            "label": ReviewQueue(queue).label,
            "count": counts[queue],
            "url": _queue_url(queue),
            "decision": permissions.can_review(request.user, queue),
        }
        for queue in ReviewQueue.values
    ]
    return render(request, "moderation/review_index.html", {"queues": queues})


@login_required
def review_queue(request: HttpRequest, queue: str) -> HttpResponse:
    """GET hands the reviewer their next task; POST records their verdict."""
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        task = get_object_or_404(ReviewTask, pk=_int(request.POST.get("task")), queue=queue)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            services.review_decide(
                reviewer=request.user,
                task=task,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
                duplicate_of=_question(form.cleaned_data.get("duplicate_of")),
            )
        except DOMAIN_ERRORS as error:
            return error_response(request, error, request.path)
        messages.success(request, _("Thanks: your review is recorded."))
        return redirect(request.path)
    try:
        next_task = services.review_next(reviewer=request.user, queue=queue)
    except DOMAIN_ERRORS as error:
        return error_response(request, error, link("moderation:review_index"))
    context: dict[str, Any] = {
        "queue": queue,
        "label": ReviewQueue(queue).label,
        "task": next_task,
        "actions": services.ACTIONS[queue],
        "form": form,
    }
    if next_task is not None:
        context |= selectors.review_context(next_task)
    return render(request, "moderation/review_task.html", context)


# Dashboard and log ------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_moderate(request.user))
    board = selectors.dashboard()
    queues = [(ReviewQueue(q).label, q, n, _queue_url(q)) for q, n in board.queues.items()]
    return render(request, "moderation/dashboard.html", {"board": board, "queues": queues})


@login_required
def log(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_moderate(request.user))
    form = LogFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters["action"] = data["action"]
        filters["automatic"] = data["automatic"]
        filters["since"], filters["until"] = data["since"], data["until"]
        for key in ("actor", "target"):
            if data[key]:
                filters[key] = User.objects.filter(username=data[key]).first()
                if filters[key] is None:
                    form.add_error(key, _("No member has this username."))
    page = (
        selectors.moderation_log(page=request.GET.get("page"), **filters)
        if not form.errors
        else None
    )
    return render(
        request,
        "moderation/log.html",
        {"form": form, "page": page},
        status=400 if form.errors else 200,
    )


# Members ----------------------------------------------------------------------


@login_required
def member(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's moderation page: suspend, message, history."""
    _require(permissions.can_moderate(request.user))
    target = get_object_or_404(User, pk=pk)
    suspend_form = SuspendForm(request.POST if request.POST.get("form") == "suspend" else None)
    message_form = ModeratorMessageForm(
        request.POST if request.POST.get("form") == "message" else None
    )
    if request.method == "POST":
        form: Any = None
        try:
            if request.POST.get("form") == "unsuspend":
                services.user_unsuspend(moderator=request.user, user=target)
                messages.success(request, _("The suspension is lifted."))
                return redirect(request.path)
            form = suspend_form if request.POST.get("form") == "suspend" else message_form
            if form.is_valid():
                if form is suspend_form:
                    services.user_suspend(moderator=request.user, user=target, **form.cleaned_data)
                    messages.success(request, _("The member is suspended."))
                else:
                    services.moderator_message_send(
                        moderator=request.user, recipient=target, **form.cleaned_data
                    )
                    messages.success(request, _("Your message is sent."))
                return redirect(request.path)
        except DOMAIN_ERRORS as error:
            if form is None:
                return error_response(request, error, request.path)
            _show_error(form, error)
    context = {
        "member": target,
        "suspend_form": suspend_form,
        "message_form": message_form,
        **selectors.member_moderation(user=target),
    }
    status = 400 if suspend_form.errors or message_form.errors else 200
    return render(request, "moderation/member.html", context, status=status)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    return render(
        request, "moderation/inbox.html", {"messages_list": selectors.inbox(user=request.user)}
    )


@login_required
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(ModeratorMessage, pk=pk, recipient=request.user)
    message = services.moderator_message_read(reader=request.user, message=message)
    return render(request, "moderation/message_detail.html", {"message": message})


@login_required
def blocked_terms(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_staff(request.user))
    form = BlockedTermForm(request.POST if request.POST.get("form") == "add" else None)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "remove":
                term = get_object_or_404(BlockedTerm, pk=_int(request.POST.get("term")))
                services.blocked_term_remove(moderator=request.user, term=term)
                messages.success(request, _("“%(v)s” is allowed again.") % {"v": term.value})
                return redirect(request.path)
            if form.is_valid():
                term = services.blocked_term_add(moderator=request.user, **form.cleaned_data)
                messages.success(request, _("“%(v)s” is blocked.") % {"v": term.value})
                return redirect(request.path)
        except DOMAIN_ERRORS as error:
            _show_error(form, error)
    terms = BlockedTerm.objects.select_related("created_by").order_by("kind", "value")
    return render(
        request,
        "moderation/blocked_terms.html",
        {"form": form, "terms": terms},
        status=400 if form.errors else 200,
    )
