"""django-allauth hooks: what the site adds to sign-up and log-in."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Language
from .services import login_record


def user_display(user: Any) -> str:
    return user.public_name


class AccountAdapter(DefaultAccountAdapter):
    def validation_error(self, code: str, *args: Any) -> ValidationError:
        # allauth only says "try again later": say for how long, and the way out.
        if code == "too_many_login_attempts":
            minutes = settings.LOGIN_LOCKOUT_MINUTES
            return ValidationError(
                ngettext(
                    "Too many failed log-in attempts: this account is locked for %(minutes)d "
                    "minute. Try again then, or reset your password.",
                    "Too many failed log-in attempts: this account is locked for %(minutes)d "
                    "minutes. Try again then, or reset your password.",
                    minutes,
                )
                % {"minutes": minutes},
                code=code,
            )
        return super().validation_error(code, *args)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        # A new member reads the site in the language they signed up in.
        language = getattr(request, "LANGUAGE_CODE", "")
        if language in Language.values:
            user.preferred_language = language
        return super().save_user(request, user, form, commit=commit)

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        signal_kwargs = kwargs.get("signal_kwargs") or {}
        login_record(
            user=user,
            session_key=request.session.session_key or "",
            user_agent=request.headers.get("User-Agent", ""),
            method="sso" if signal_kwargs.get("sociallogin") else "password",
        )
        from privacy.services import pending_erasure

        pending = pending_erasure(user)
        if pending is not None:
            messages.warning(
                request,
                _(
                    "Your account is scheduled for deletion on %(date)s. "
                    "You can cancel this on your privacy page."
                )
                % {"date": formats.date_format(pending.scheduled_for, "DATE_FORMAT")},
            )
        return response


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request: HttpRequest, sociallogin: Any, data: dict[str, Any]) -> Any:
        user = super().populate_user(request, sociallogin, data)
        user.display_name = (data.get("name") or "")[:60]
        language = getattr(request, "LANGUAGE_CODE", "")
        if language in Language.values:
            user.preferred_language = language
        return user
