"""Bounty actions from the question page: parse, call the service, redirect.

Refusals answer like the Q&A actions (``entraide.http.error_response``): the
reason on a page, or as JSON when asked, with a 4xx status.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entraide.errors import ApplicationError
from entraide.http import error_response
from qa import selectors
from qa.models import thread_url

from . import bounties
from .bounty_forms import BountyOfferForm
from .models import Bounty


@require_POST
def bounty_offer(request: HttpRequest, question_id: int) -> HttpResponse:
    question = selectors.post_for_action(question_id)
    back = thread_url(question)
    form = BountyOfferForm(request.POST)
    try:
        if not request.user.is_authenticated:
            raise PermissionDenied(_("You must log in first."))
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        bounty = bounties.bounty_offer(
            offerer=request.user, question=question, amount=form.cleaned_data["amount"]
        )
    except (ValidationError, PermissionDenied, ApplicationError) as error:
        return error_response(request, error, back)
    messages.success(
        request,
        _("Your bounty of %(amount)d is open for %(days)d days.")
        % {"amount": bounty.amount, "days": bounty.days_left},
    )
    return redirect(back)


@require_POST
def bounty_award(request: HttpRequest, bounty_id: int, answer_id: int) -> HttpResponse:
    bounty = get_object_or_404(Bounty, pk=bounty_id)
    answer = selectors.post_for_action(answer_id)
    back = thread_url(answer)
    try:
        if not request.user.is_authenticated:
            raise PermissionDenied(_("You must log in first."))
        bounties.bounty_award(user=request.user, bounty=bounty, answer=answer)
    except (ValidationError, PermissionDenied, ApplicationError) as error:
        return error_response(request, error, back)
    messages.success(
        request, _("You awarded your bounty of %(amount)d.") % {"amount": bounty.amount}
    )
    return redirect(back)
