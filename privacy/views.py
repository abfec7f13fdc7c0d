from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import LoginRecord, User
from entraide.errors import ApplicationError
from entraide.http import error_response
from notifications.preferences import mail_consent_set, mail_consented
from qa.models import Comment, Post, thread_url

from . import services
from .forms import EmailNotificationsForm, PoliciesForm, StaffErasureForm
from .models import DataExport, ExportStatus


def terms(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/terms.html", {"version": settings.PRIVACY["TERMS_VERSION"]})


def policy(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/policy.html", {"version": settings.PRIVACY["PRIVACY_VERSION"]})


def _member(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def consent(request: HttpRequest) -> HttpResponse:
    """Ask again for the terms and privacy policy (a new version, or never asked)."""
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    form = PoliciesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.policies_accept(user=_member(request))
        return redirect(next_url)
    return render(
        request,
        "privacy/consent.html",
        {"form": form, "next": next_url, "had_accepted": bool(_member(request).terms_version)},
        status=400 if form.errors else 200,
    )


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    context = {
        "email_form": EmailNotificationsForm(initial={"email_notifications": mail_consented(user)}),
        "exports": DataExport.objects.filter(user=user).order_by("-requested_at")[:5],
        "pending_erasure": services.pending_erasure(user),
        "logins": LoginRecord.objects.filter(user=user).order_by("-created_at")[:20],
        "grace_days": settings.PRIVACY["ERASURE_GRACE_DAYS"],
        "retention_days": settings.PRIVACY["LOG_RETENTION_DAYS"],
    }
    return render(request, "privacy/settings.html", context)


@login_required
@require_POST
def email_notifications(request: HttpRequest) -> HttpResponse:
    form = EmailNotificationsForm(request.POST)
    form.is_valid()  # a checkbox: absent means no
    granted = bool(form.cleaned_data.get("email_notifications"))
    mail_consent_set(user=_member(request), granted=granted)
    messages.success(
        request,
        _("You will receive e-mail notifications.")
        if granted
        else _("You will not receive e-mail notifications."),
    )
    return redirect("privacy:settings")


@login_required
@require_POST
def export_request(request: HttpRequest) -> HttpResponse:
    try:
        export = services.export_request(user=_member(request))
    except ApplicationError as error:
        return error_response(request, error, back="/accounts/privacy/")
    if export.status == ExportStatus.READY:
        messages.success(request, _("Your archive is ready to download."))
    else:
        messages.info(
            request, _("Your archive is being prepared; come back to this page in a few minutes.")
        )
    return redirect("privacy:settings")


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    export = get_object_or_404(DataExport, pk=pk, user=_member(request), status=ExportStatus.READY)
    if not export.archive:
        raise Http404
    return FileResponse(
        export.archive.open("rb"),
        as_attachment=True,
        filename=f"entraide-data-{export.finished_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )


@login_required
@require_POST
def erasure_request(request: HttpRequest) -> HttpResponse:
    try:
        pending = services.erasure_request(user=_member(request))
    except ApplicationError as error:
        return error_response(request, error, back="/accounts/privacy/")
    messages.warning(
        request,
        _("Your account will be deleted on %(date)s. Until then you can log in and cancel.")
        % {"date": pending.scheduled_for.date().isoformat()},
    )
    logout(request)
    return redirect("qa:question_list")


@login_required
@require_POST
def erasure_cancel(request: HttpRequest) -> HttpResponse:
    try:
        services.erasure_cancel(user=_member(request))
    except ApplicationError as error:
        return error_response(request, error, back="/accounts/privacy/")
    messages.success(request, _("Your account will not be deleted."))
    return redirect("privacy:settings")


@login_required
def staff_erasure(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff erase an account at the member's request (no grace period)."""
    staff = _member(request)
    if not staff.is_staff:
        raise PermissionDenied(_("Only staff can erase another member's account."))
    member = get_object_or_404(User, pk=pk, erased_at__isnull=True)
    form = StaffErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["confirm_username"] != member.username:
            form.add_error("confirm_username", _("This is not the member's username."))
        else:
            try:
                services.erasure_by_staff(staff=staff, member=member)
            except (PermissionDenied, ApplicationError) as error:
                return error_response(request, error, back=member.get_absolute_url())
            messages.success(
                request,
                _("The account was erased; its posts now show as user%(id)d.") % {"id": member.pk},
            )
            return redirect("accounts:user_list")
    return render(
        request,
        "privacy/staff_erasure.html",
        {"member": member, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def post_mask(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post, pk=pk)
    try:
        services.post_personal_data_mask(staff=_member(request), post=post)
    except PermissionDenied as error:
        return error_response(request, error, thread_url(post))
    messages.success(request, _("Personal data masked in this post and its history."))
    return redirect(thread_url(post))


@login_required
@require_POST
def comment_mask(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    try:
        services.comment_personal_data_mask(staff=_member(request), comment=comment)
    except PermissionDenied as error:
        return error_response(request, error, thread_url(comment.post))
    messages.success(request, _("Personal data masked in this comment."))
    return redirect(thread_url(comment.post))
