"""Request wiring for accounts: the member's language, and honest status codes."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import translation


class MemberLanguageMiddleware:
    """Use the member's chosen language; visitors keep LocaleMiddleware's choice
    (the switcher's cookie, else the browser's Accept-Language)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.preferred_language != request.LANGUAGE_CODE:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


class AccountFormStatusMiddleware:
    """Answer 400 when an account form (allauth's views) comes back with errors,
    and 429 when the errors are the log-in lock-out: allauth itself answers 200."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_template_response(
        self, request: HttpRequest, response: TemplateResponse
    ) -> TemplateResponse:
        match = request.resolver_match
        if (
            request.method == "POST"
            and response.status_code == 200
            and match is not None
            and (match.url_name or "").startswith(("account_", "socialaccount_"))
        ):
            form = (response.context_data or {}).get("form")
            if form is not None and form.is_bound and form.errors:
                codes = {e.code for errors in form.errors.as_data().values() for e in errors}
                response.status_code = 429 if "too_many_login_attempts" in codes else 400
        return response
