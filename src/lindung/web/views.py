from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lindung.registry.services import employer_summaries


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"employers": employer_summaries()})
