"""The cross-commune portfolio at ``/projets/`` (every followed project of the user's communes).

Included by name from ``territoire/urls.py``, so that ``territoire`` does not import this app."""

from django.urls import path

from projects.views import projects as project_views

urlpatterns = [
    path("", project_views.portfolio, name="projects-portfolio"),
]
