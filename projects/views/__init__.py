"""Views of the projects follow-up, one module per subdomain; the app's index page is the mission's portfolio."""

from projects.views.projects import index

__all__ = ["index"]
