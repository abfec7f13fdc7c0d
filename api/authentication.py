"""Who is calling: a session (the site's own scripts, CSRF enforced), a
member's personal access token, or an embedding client's API key — the last
two only in the ``Authorization: Bearer`` header, never in the URL."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from . import credentials, selectors, services
from .models import ApiKey, PersonalAccessToken, Scope
from .problems import CredentialsInUrl, OriginNotAllowed

# Query parameters that carry credentials in other APIs; refused by name,
# and any value shaped like one of our secrets is refused too.
CREDENTIAL_PARAMETERS = {"access_token", "token", "api_key", "apikey", "key", "auth"}


class QueryStringCredentialsRefused(authentication.BaseAuthentication):
    """Refuse a request carrying a credential in its query string (URLs are
    logged and leak through Referer), whatever else it carries."""

    def authenticate_header(self, request: Request) -> str:
        # DRF asks the first class; a 401 must name the scheme that works.
        return BearerAuthentication().authenticate_header(request)

    def authenticate(self, request: Request) -> None:
        for name, values in request.query_params.lists():
            if name.lower() in CREDENTIAL_PARAMETERS or any(
                credentials.parse(value) for value in values
            ):
                raise CredentialsInUrl()
        return None


class CsrfSessionAuthentication(authentication.SessionAuthentication):
    """The site's session; DRF enforces CSRF for it on unsafe methods."""


def request_origin(request: Any) -> str:
    return request.META.get("HTTP_ORIGIN", "")


class BearerAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        keyword, _sep, value = header.partition(" ")
        if keyword.lower() != self.keyword.lower():
            return None
        parsed = credentials.parse(value.strip())
        if parsed is None:
            raise exceptions.AuthenticationFailed(
                _("This is not an Entraide token or API key; send “Bearer <token>”.")
            )
        if parsed.kind == credentials.TOKEN_KIND:
            return self._token(parsed)
        user, key = self._key(parsed, request_origin(request))
        # For the CORS middleware, which sees only Django's request.
        request._request.api_key = key  # type: ignore[attr-defined]
        return user, key

    def _token(self, parsed: credentials.Parsed) -> tuple[Any, Any]:
        token = (
            PersonalAccessToken.objects.select_related("user").filter(prefix=parsed.prefix).first()
        )
        if token is None or not credentials.matches(parsed.whole, token.secret_hash):
            raise exceptions.AuthenticationFailed(_("This token is not known."))
        if token.is_revoked:
            raise exceptions.AuthenticationFailed(_("This token has been revoked."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This token's account is not active."))
        services.token_record_use(token_id=token.pk)
        return token.user, token

    def _key(self, parsed: credentials.Parsed, origin: str) -> tuple[Any, Any]:
        key = selectors.api_key_by_prefix(parsed.prefix)
        if key is None or not credentials.matches(parsed.whole, key.secret_hash):
            raise exceptions.AuthenticationFailed(_("This API key is not known."))
        if key.is_revoked:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked."))
        # A browser always names the page's origin; servers send none.
        if origin and not key.allows_origin(origin):
            services.api_key_record_use(key_id=key.pk, refused=True)
            raise OriginNotAllowed(
                _("The API key “%(name)s” may not be used from %(origin)s.")
                % {"name": key.name, "origin": origin}
            )
        services.api_key_record_use(key_id=key.pk)
        return AnonymousUser(), key


def scopes_of(request: Request) -> set[str]:
    """What the caller's credential allows; a session or anonymous caller
    acts as themselves on the site, so has every member scope."""
    auth = request.auth
    if isinstance(auth, ApiKey):
        return set(auth.scopes)
    if isinstance(auth, PersonalAccessToken):
        return set(auth.scopes)
    return {Scope.READ, Scope.WRITE, Scope.FEEDBACK}


class HasScope(permissions.BasePermission):
    """Reads need the read scope; other methods the view's ``write_scope``
    (``write`` by default: acting as a member, so a member must be there)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not hasattr(view, (request.method or "").lower()):
            return True  # the view answers 405, which says more than 401
        scopes = scopes_of(request)
        if request.method in permissions.SAFE_METHODS:
            return Scope.READ in scopes
        needed = getattr(view, "write_scope", Scope.WRITE)
        if needed not in scopes:
            raise exceptions.PermissionDenied(
                _("This credential lacks the “%(scope)s” scope.") % {"scope": needed}
            )
        if needed == Scope.WRITE and not request.user.is_authenticated:
            raise exceptions.NotAuthenticated(
                _("Log in, or send a personal access token, to do this.")
            )
        return True
