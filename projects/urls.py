from django.urls import path

from projects import views
from projects.views import implementation, overview

app_name = "projects"

PROJECT = "<int:project_id>/"


urlpatterns = [
    path("", views.index, name="index"),
    path(PROJECT, overview.project_detail, name="project-detail"),
    # Implementation follow-up: a page per tab, rows added, edited and deleted alike (views/implementation.py).
    *implementation.urls(PROJECT),
]
