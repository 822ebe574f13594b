"""Benchmarks only: the project's URLs plus ``/bench/bare/``, a public view that answers "ok" after every
middleware (sessions, CSRF, authentication, CSP…), as a POST like an autosave. See ``bare_settings``."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from territoire.urls import urlpatterns as site_urlpatterns


@login_not_required
@require_POST
def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *site_urlpatterns]
