"""Consent, export and erasure of a member's personal data.

What each app holds is declared in its ``personal_data.py`` (privacy.registry);
these services only walk the registry, so a model added later plugs in there.
"""

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Language, User
from entraide.errors import ApplicationError
from entraide.rendering import excerpt, plain_text, render_inline_markdown, render_markdown
from notifications.services import mention_pattern
from qa.models import Comment, Post
from search import outbox

from . import registry
from .models import Consent, ConsentKind, DataExport, ErasureRequest, ExportStatus
from .pii import mask

EXPORT_FORMAT = "entraide-personal-data/1"


def policy_versions() -> tuple[str, str]:
    """The terms and privacy-policy versions members must have accepted."""
    return settings.PRIVACY["TERMS_VERSION"], settings.PRIVACY["PRIVACY_VERSION"]


def consent_needed(user: Any) -> bool:
    """Whether the member has not accepted the current terms and privacy policy."""
    return (user.terms_version, user.privacy_version) != policy_versions()


@transaction.atomic
def policies_accept(*, user: User) -> None:
    """Record that the member accepts the current terms and privacy policy."""
    terms, privacy = policy_versions()
    Consent.objects.bulk_create(
        [
            Consent(user=user, kind=ConsentKind.TERMS, version=terms, granted=True),
            Consent(user=user, kind=ConsentKind.PRIVACY, version=privacy, granted=True),
        ]
    )
    User.objects.filter(pk=user.pk).update(terms_version=terms, privacy_version=privacy)
    user.terms_version, user.privacy_version = terms, privacy


def email_consent_log(*, user_id: int, granted: bool) -> None:
    """Log that a member started or stopped wanting notification e-mail.

    Called by notifications.preferences, whose rows are the consent itself;
    this is its history (exported with the member's data)."""
    Consent.objects.create(user_id=user_id, kind=ConsentKind.EMAIL_NOTIFICATIONS, granted=granted)


# Export ---------------------------------------------------------------------


def export_data(user: User) -> dict[str, Any]:
    """Everything the registry knows about ``user``, as JSON-able data."""
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now(),
        "site": settings.PRIVACY["SITE_NAME"],
    }
    for entry in registry.entries():
        if entry.export is not None:
            data[entry.name] = entry.export(user)
    return data


def _contribution_count(user: User) -> int:
    # Posts, comments and votes dominate an archive's size.
    from qa.models import Vote

    return (
        Post.objects.filter(author=user).count()
        + Comment.objects.filter(author=user).count()
        + Vote.objects.filter(user=user).count()
    )


def export_request(*, user: User) -> DataExport:
    """Start an export: built at once for a small account, else by the scheduler."""
    with transaction.atomic():
        if DataExport.objects.filter(user=user, status=ExportStatus.PENDING).exists():
            raise ApplicationError(
                _("Your archive is already being prepared; it will appear on this page.")
            )
        export = DataExport.objects.create(user=user, status=ExportStatus.PENDING)
    if _contribution_count(user) <= settings.PRIVACY["EXPORT_INLINE_MAX_ITEMS"]:
        export_build(export=export)
    return export


def export_build(*, export: DataExport) -> DataExport:
    """Write the archive (a zip holding the JSON document and the avatar)."""
    user = export.user
    data = json.dumps(export_data(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("personal-data.json", data)
        if user.avatar:
            with user.avatar.open("rb") as avatar:
                archive.writestr("avatar.png", avatar.read())
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    export.archive.save(f"{user.pk}-{stamp}.zip", ContentFile(buffer.getvalue()), save=False)
    export.status = ExportStatus.READY
    export.finished_at = timezone.now()
    export.size = buffer.tell()
    export.save(update_fields=["archive", "status", "finished_at", "size"])
    return export


def exports_build_pending() -> int:
    """Build every export still pending (the scheduler's job); return how many."""
    built = 0
    for export in DataExport.objects.filter(status=ExportStatus.PENDING).select_related("user"):
        try:
            export_build(export=export)
        except Exception:
            DataExport.objects.filter(pk=export.pk).update(
                status=ExportStatus.FAILED, finished_at=timezone.now()
            )
            raise
        built += 1
    return built


def _exports_delete(user: User) -> None:
    for export in DataExport.objects.filter(user=user):
        if export.archive:
            export.archive.storage.delete(export.archive.name)
    DataExport.objects.filter(user=user).delete()


# Erasure --------------------------------------------------------------------


def erasure_request(*, user: User) -> ErasureRequest:
    """Schedule the erasure of one's own account after the grace period."""
    with transaction.atomic():
        if ErasureRequest.objects.filter(
            user=user, cancelled_at__isnull=True, completed_at__isnull=True
        ).exists():
            raise ApplicationError(_("Your account is already scheduled for deletion."))
        return ErasureRequest.objects.create(
            user=user,
            scheduled_for=timezone.now() + timedelta(days=settings.PRIVACY["ERASURE_GRACE_DAYS"]),
        )


@transaction.atomic
def erasure_cancel(*, user: User) -> ErasureRequest:
    """Keep the account: cancel the pending erasure."""
    pending = (
        ErasureRequest.objects.select_for_update()
        .filter(user=user, cancelled_at__isnull=True, completed_at__isnull=True)
        .first()
    )
    if pending is None:
        raise ApplicationError(_("Your account is not scheduled for deletion."))
    pending.cancelled_at = timezone.now()
    pending.save(update_fields=["cancelled_at"])
    return pending


def pending_erasure(user: Any) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(
        user=user, cancelled_at__isnull=True, completed_at__isnull=True
    ).first()


@transaction.atomic
def erasure_by_staff(*, staff: User, member: User) -> ErasureRequest:
    """Erase ``member`` now, at their request made to staff (no grace period)."""
    if not staff.is_staff:
        raise PermissionDenied(_("Only staff can erase another member's account."))
    if member.pk == staff.pk:
        raise PermissionDenied(_("Delete your own account from your privacy page."))
    if member.is_superuser:
        raise PermissionDenied(_("An administrator account cannot be erased from here."))
    if member.erased_at is not None:
        raise ApplicationError(_("This account has already been erased."))
    now = timezone.now()
    ErasureRequest.objects.filter(
        user=member, cancelled_at__isnull=True, completed_at__isnull=True
    ).update(cancelled_at=now)
    request = ErasureRequest.objects.create(
        user=member, requested_by=staff, scheduled_for=now, requested_at=now
    )
    account_erase(user=member)
    request.completed_at = timezone.now()
    request.save(update_fields=["completed_at"])
    return request


@transaction.atomic
def account_erase(*, user: User) -> None:
    """Erase everything personal about ``user``; their posts stay, as "user<id>".

    Locks the user row. Each registry entry erases its own data (and enqueues
    search updates), then the row itself is emptied. Votes stay counted with
    no voter; the anonymous row keeps no e-mail, name, password or profile.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.erased_at is not None:
        return
    for entry in registry.entries():
        if entry.erase is not None:
            entry.erase(user)
    _mentions_anonymise(user)
    _exports_delete(user)
    if user.avatar:
        user.avatar.storage.delete(user.avatar.name)
    user.username = f"user{user.pk}"
    user.email = f"user{user.pk}@erased.invalid"
    user.first_name = user.last_name = user.display_name = ""
    user.about_source = user.about_html = user.website_url = user.location = ""
    user.avatar = ""
    user.terms_version = user.privacy_version = ""
    user.suspended_until = None
    user.suspension_reason = ""
    user.unread_moderator_messages = 0
    user.preferred_language = Language.ENGLISH
    user.is_active = user.is_staff = user.is_superuser = user.is_super_user = False
    user.last_login = None
    # Also ends every open session: Django checks the password hash on each request.
    user.set_unusable_password()
    user.erased_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


@dataclass
class ErasureRun:
    erased: int


def erasures_run_due(now: datetime | None = None) -> ErasureRun:
    """Carry out every erasure whose grace period is over (the scheduler's job)."""
    now = now or timezone.now()
    erased = 0
    due = ErasureRequest.objects.filter(
        scheduled_for__lte=now, cancelled_at__isnull=True, completed_at__isnull=True
    ).values_list("pk", flat=True)
    for request_id in list(due):
        with transaction.atomic():
            request = (
                ErasureRequest.objects.select_for_update()
                .select_related("user")
                .filter(pk=request_id, cancelled_at__isnull=True, completed_at__isnull=True)
                .first()
            )
            if request is None:  # cancelled meanwhile
                continue
            account_erase(user=request.user)
            request.completed_at = timezone.now()
            request.save(update_fields=["completed_at"])
            erased += 1
    return ErasureRun(erased=erased)


# Retention ------------------------------------------------------------------


def retention_cutoff(now: datetime, setting: str = "LOG_RETENTION_DAYS") -> datetime:
    return now - timedelta(days=settings.PRIVACY[setting])


def logs_purge(now: datetime | None = None) -> dict[str, int]:
    """Drop what is past its retention period; return how many rows per registry entry."""
    now = now or timezone.now()
    return {entry.name: entry.purge(now) for entry in registry.entries() if entry.purge is not None}


# Personal data published by mistake -----------------------------------------


def _rewrite_versions(obj: Any, rewrite: Callable[[str], str]) -> None:
    """Rewrite every stored revision of ``obj``, so history keeps only the new text."""
    import reversion.models

    for version in reversion.models.Version.objects.get_for_object(obj).select_related("revision"):
        data = json.loads(version.serialized_data)
        for item in data:
            fields = item.get("fields", {})
            for name, value in fields.items():
                if isinstance(value, str):
                    fields[name] = rewrite(value)
        version.serialized_data = json.dumps(data)
        version.save(update_fields=["serialized_data"])
        if (
            version.revision.comment
            and rewrite(version.revision.comment) != version.revision.comment
        ):
            version.revision.comment = rewrite(version.revision.comment)
            version.revision.save(update_fields=["comment"])


def _rewrite_notifications(obj: Any, rewrite: Callable[[str], str]) -> None:
    # Notifications copy a post's opening when written (notifications.models).
    from notifications.models import Notification

    notes = Notification.objects.filter(
        target_type=ContentType.objects.get_for_model(obj), target_id=obj.pk
    )
    for note in notes:
        note.body, note.title = rewrite(note.body), rewrite(note.title)
        note.save(update_fields=["body", "title"])


def _post_rewrite(post: Post, rewrite: Callable[[str], str]) -> None:
    """Rewrite a locked post's text everywhere it is kept: the post, every
    revision, notifications quoting it, suggested edits; then re-index."""
    post.title = rewrite(post.title)
    body = rewrite(post.body_source)
    html = render_markdown(body)
    post.body_source, post.body_html, post.excerpt = body, html, excerpt(plain_text(html))
    post.save(update_fields=["title", "body_source", "body_html", "excerpt"])
    _rewrite_versions(post, rewrite)
    _rewrite_notifications(post, rewrite)
    for suggestion in post.suggested_edits.all():
        suggestion.title = rewrite(suggestion.title)
        suggestion.body_source = rewrite(suggestion.body_source)
        suggestion.save(update_fields=["title", "body_source"])
    outbox.enqueue_question(post.question_id)


def _comment_rewrite(comment: Comment, rewrite: Callable[[str], str]) -> None:
    """Rewrite a locked comment (comments keep no history) and re-index its question."""
    comment.body_source = rewrite(comment.body_source)
    comment.body_html = render_inline_markdown(comment.body_source)
    comment.save(update_fields=["body_source", "body_html"])
    _rewrite_notifications(comment, rewrite)
    outbox.enqueue_question(comment.post.question_id)


def _mentions_anonymise(user: User) -> None:
    """Others' "@username" mentions of an erased member become "@user<id>"."""
    pattern = mention_pattern(user.username)

    def rewrite(text: str) -> str:
        return pattern.sub(f"@user{user.pk}", text)

    # The database finds candidates ("@bob" also finds "@bobby"); only those
    # that really mention the member are rewritten, re-saved and re-indexed.
    mention = f"@{user.username}"
    for post in Post.objects.select_for_update().filter(
        Q(body_source__icontains=mention) | Q(title__icontains=mention)
    ):
        if pattern.search(post.title) or pattern.search(post.body_source):
            _post_rewrite(post, rewrite)
    for comment in Comment.objects.select_for_update().filter(body_source__icontains=mention):
        if pattern.search(comment.body_source):
            _comment_rewrite(comment, rewrite)


@transaction.atomic
def post_personal_data_mask(*, staff: Any, post: Post) -> Post:
    """Mask personal data in a published question or answer and in all its history.

    Locks the post row. The original text is gone afterwards: the current
    version, every revision, notifications quoting it, and (after re-indexing)
    the search index.
    """
    if not staff.is_staff:
        raise PermissionDenied(_("Only staff can mask personal data in others' posts."))
    post = Post.objects.select_for_update().get(pk=post.pk)
    _post_rewrite(post, mask)
    return post


@transaction.atomic
def comment_personal_data_mask(*, staff: Any, comment: Comment) -> Comment:
    """Mask personal data in a published comment (comments keep no history)."""
    if not staff.is_staff:
        raise PermissionDenied(_("Only staff can mask personal data in others' posts."))
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    _comment_rewrite(comment, mask)
    return comment
