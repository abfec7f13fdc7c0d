from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from reputation import selectors as reputation_selectors
from reputation.privileges import role_of
from search import selectors as search_selectors

from . import selectors, services
from .forms import AvatarForm, ProfileForm
from .models import User


def user_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.user_list(), 36).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page})


def user_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    member = get_object_or_404(User, pk=pk, is_active=True)
    if slug != member.slug:
        return redirect(member, permanent=True)
    if request.GET.get("tab") == "reputation":
        history = reputation_selectors.user_reputation_history(
            user=member, viewer=request.user, page=request.GET.get("page")
        )
        context = {
            "member": member,
            "role": role_of(member),
            "tab": "reputation",
            "history": history,
        }
    else:
        profile = reputation_selectors.user_profile(member=member)
        context = {
            "member": member,
            "role": profile.role,
            "tab": "profile",
            "profile": profile,
            "customers_helped": search_selectors.customers_helped(member.pk),
        }
    return render(request, "accounts/user_detail.html", context)


# Identicons never change and uploads get a new name each time: cache a day.
@cache_control(max_age=86400, public=True)
def avatar(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The member's uploaded picture, else their identicon (never a third-party service)."""
    member = get_object_or_404(User.objects.only("pk", "avatar"), pk=pk)
    if member.avatar and member.avatar.storage.exists(member.avatar.name):
        return FileResponse(member.avatar.open("rb"), content_type="image/png")
    return HttpResponse(services.identicon_svg(member.pk), content_type="image/svg+xml")


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    initial = {
        "display_name": user.display_name,
        "about": user.about_source,
        "website": user.website_url,
        "location": user.location,
        "preferred_language": user.preferred_language,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("account_profile")
    return render(
        request,
        "accounts/profile_edit.html",
        {"form": form, "avatar_form": AvatarForm()},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def avatar_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if "remove" in request.POST:
        services.avatar_remove(user=user)
        messages.success(request, _("Your generated picture is back."))
        return redirect("account_profile")
    avatar_form = AvatarForm(request.POST, request.FILES)
    if avatar_form.is_valid():
        try:
            services.avatar_set(user=user, upload=avatar_form.cleaned_data["avatar"])
        except ValidationError as error:
            avatar_form.add_error("avatar", error.message_dict.get("avatar", error.messages))
        else:
            messages.success(request, _("Your new picture is saved."))
            return redirect("account_profile")
    form = ProfileForm(
        initial={
            "display_name": user.display_name,
            "about": user.about_source,
            "website": user.website_url,
            "location": user.location,
            "preferred_language": user.preferred_language,
        }
    )
    return render(
        request,
        "accounts/profile_edit.html",
        {"form": form, "avatar_form": avatar_form},
        status=400,
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: Django's cookie, plus the member's setting."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated:
        services.language_set(user=request.user, language=language)
    # Django's view sets the cookie and only follows a ``next`` on this site.
    return django_set_language(request)
