"""Pages of collaborative editing: a post's history and diffs, rollback,
suggested edits and their review queue, the community-wiki switch."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entraide.errors import ApplicationError
from entraide.http import error_response
from entraide.links import link
from versioning.diff import diff_fields
from versioning.selectors import revision_get
from versioning.views import diff_context, diff_view, history_context, page_number

from . import editing, permissions, selectors
from .forms import RejectSuggestionForm, SuggestEditForm
from .models import Post, SuggestedEdit, thread_url

DOMAIN_ERRORS = (ValidationError, PermissionDenied, ApplicationError)
POST_FIELDS = {"title": _("Title"), "body_source": _("Body"), "tag_names": _("Tags")}


def _visible_post(request: HttpRequest, pk: int) -> Post:
    post = selectors.post_for_action(pk)
    if not permissions.can_view_post(request.user, post):
        raise Http404("No such post.")
    return post


def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    context = {
        **history_context(request, post),
        "post": post,
        "can_revert": permissions.can_edit_post(request.user, post),
        "can_switch_wiki": permissions.can_set_community_wiki(
            request.user, post, not post.is_community_wiki
        ),
        "diff_url": link("qa:post_diff", pk=post.pk),
        "revert_url": link("qa:post_rollback", pk=post.pk),
        "back": thread_url(post),
    }
    return render(request, "qa/post_history.html", context)


def post_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """The diff between any two revisions (``from`` and ``to`` numbers)."""
    post = _visible_post(request, pk)
    context = {**diff_context(request, post, POST_FIELDS), "post": post, "back": thread_url(post)}
    return render(request, "qa/post_diff.html", context)


@require_POST
@login_required
def post_rollback(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    entry = revision_get(post, request.POST.get("number"))
    number = entry.number
    history = link("qa:post_history", pk=post.pk)
    try:
        editing.post_rollback(user=request.user, post=post, revision=entry.info)
    except DOMAIN_ERRORS as error:
        return error_response(request, error, history)
    messages.success(request, _("Rolled back to revision %(n)d.") % {"n": number})
    return redirect(history)


@require_POST
@login_required
def post_community_wiki(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    turn_on = request.POST.get("is_community_wiki") == "1"
    try:
        editing.post_set_community_wiki(user=request.user, post=post, is_community_wiki=turn_on)
    except DOMAIN_ERRORS as error:
        return error_response(request, error, thread_url(post))
    messages.success(
        request,
        _("The post is now community wiki.")
        if turn_on
        else _("The post is no longer community wiki."),
    )
    return redirect(thread_url(post))


@login_required
def post_suggest_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    decision = permissions.can_suggest_edit(request.user, post)
    if not decision:
        return error_response(request, PermissionDenied(decision.reason), thread_url(post))
    initial = {"body": post.body_source, "title": post.title, "tags": post.tag_names}
    form = SuggestEditForm(request.POST or None, initial=initial, is_question=post.is_question)
    if request.method == "POST" and form.is_valid():
        try:
            editing.suggested_edit_create(author=request.user, post=post, **form.cleaned_data)
        except DOMAIN_ERRORS as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(
                request, _("Thank you! Your edit is waiting for review by an experienced member.")
            )
            return redirect(thread_url(post))
    status = 400 if form.errors else 200
    pending = post.suggested_edits.filter(status=SuggestedEdit.Status.PENDING).exists()
    context = {"form": form, "post": post, "pending": pending, "back": thread_url(post)}
    return render(request, "qa/suggest_edit.html", context, status=status)


@login_required
def suggested_edit_queue(request: HttpRequest) -> HttpResponse:
    decision = permissions.can_review_suggested_edits(request.user)
    if not decision:
        return error_response(request, PermissionDenied(decision.reason), link("qa:home"))
    context = {"suggestions": selectors.suggested_edit_queue()}
    return render(request, "qa/suggested_edit_queue.html", context)


@login_required
def suggested_edit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(
        SuggestedEdit.objects.select_related("post", "author", "reviewer"), pk=pk
    )
    form = RejectSuggestionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "approve":
                editing.suggested_edit_approve(reviewer=request.user, suggestion=suggestion)
                messages.success(request, _("Edit approved; it is now a revision of the post."))
            else:
                if not form.is_valid():
                    raise ValidationError(form.errors.as_data())
                editing.suggested_edit_reject(
                    reviewer=request.user, suggestion=suggestion, **form.cleaned_data
                )
                messages.success(request, _("Edit rejected."))
        except DOMAIN_ERRORS as error:
            if isinstance(error, PermissionDenied):
                return error_response(request, error, link("qa:suggested_edit_queue"))
            if not form.errors:
                form.add_error(None, error if isinstance(error, ValidationError) else str(error))
            status = 409 if isinstance(error, ApplicationError) else 400
        else:
            return redirect(link("qa:suggested_edit_queue"))
    post = suggestion.post
    current = {"title": post.title, "body_source": post.body_source, "tag_names": post.tag_names}
    proposed = {
        "title": suggestion.title,
        "body_source": suggestion.body_source,
        "tag_names": suggestion.tag_names,
    }
    page = page_number(request.GET.get("page"))
    diffs, pages = diff_fields(current, proposed, POST_FIELDS, page=page)
    context = {
        "suggestion": suggestion,
        "post": post,
        "is_stale": editing.suggested_edit_is_stale(suggestion),
        "can_review": permissions.can_review_suggested_edit(request.user, suggestion, post),
        "form": form,
        "diffs": diffs,
        "view": diff_view(request),
        "page": page,
        "pages": pages,
        "base_query": "",
        "old_label": _("Current post"),
        "new_label": _("Suggested edit"),
    }
    return render(request, "qa/suggested_edit_detail.html", context, status=status)
