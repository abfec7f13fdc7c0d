from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .problems import PROBLEM_TYPES


def problem_type(request: HttpRequest, code: str) -> HttpResponse:
    """The page a problem document's ``type`` points at."""
    if code not in PROBLEM_TYPES:
        raise Http404("No such problem type.")
    return render(
        request,
        "api/problem_type.html",
        {"code": code, "problem": PROBLEM_TYPES[code], "problem_types": PROBLEM_TYPES},
    )
