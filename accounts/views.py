from django.conf import settings
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from reputation import selectors as reputation_selectors
from reputation.privileges import role_of
from search import selectors as search_selectors

from . import selectors, services
from .forms import SignupForm
from .models import User


def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_sign_up(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            return redirect("qa:question_list")
    status = 400 if form.errors else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


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
