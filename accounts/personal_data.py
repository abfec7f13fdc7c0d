"""Personal data held by the accounts app (see privacy.registry)."""

from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.models import LogEntry

from privacy.registry import register
from privacy.services import retention_cutoff

from .models import LoginRecord, User


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "about": user.about_source,
        "website": user.website_url,
        "location": user.location,
        "language": user.preferred_language,
        "has_uploaded_avatar": bool(user.avatar),
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "reputation": user.reputation,
        "is_super_user": user.is_super_user,
        "is_staff": user.is_staff,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user)
        ],
        "single_sign_on": [
            {"provider": account.provider, "uid": account.uid, "date_joined": account.date_joined}
            for account in SocialAccount.objects.filter(user=user)
        ],
    }


def _account_erase(user: User) -> None:
    # The User row itself is emptied by privacy.services.account_erase.
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()  # and its tokens
    LogEntry.objects.filter(user=user).delete()


register(
    "account",
    description="Profile, e-mail addresses, single sign-on links and admin actions.",
    export=_account,
    erase=_account_erase,
    models=(
        "accounts.User",
        "account.EmailAddress",
        "socialaccount.SocialAccount",
        "admin.LogEntry",
    ),
)


def _logins(user: User) -> list[Any]:
    return list(
        LoginRecord.objects.filter(user=user)
        .order_by("-created_at")
        .values("created_at", "method", "browser", "session")
    )


def _logins_purge(now: Any) -> int:
    return LoginRecord.objects.filter(created_at__lt=retention_cutoff(now)).delete()[0]


register(
    "login_history",
    description="Successful log-ins: time, method, browser family and a session pseudonym.",
    export=_logins,
    erase=lambda user: LoginRecord.objects.filter(user=user).delete(),
    purge=_logins_purge,
    models=("accounts.LoginRecord",),
)
