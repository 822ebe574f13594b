"""The project's URLs plus one view that fails, to see the 500 page and its log line."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from territoire.urls import handler500
from territoire.urls import urlpatterns as project_urlpatterns


@login_not_required
def boom(request):
    raise RuntimeError("boom for the test")


urlpatterns = [*project_urlpatterns, path("boom/", boom, name="boom")]
__all__ = ["handler500", "urlpatterns"]
