from django.urls import path

from projects import views
from projects.views import implementation, overview, phases
from projects.views import projects as project_views

app_name = "projects"

PROJECT = "<int:project_id>/"
PHASE = PROJECT + "phases/<slug:phase>/"


urlpatterns = [
    path("", views.index, name="index"),
    path("suivre/<int:sheet_id>/", project_views.project_create, name="project-create"),
    path(PROJECT, overview.project_detail, name="project-detail"),
    # Implementation follow-up: a page per tab, rows added, edited and deleted alike (views/implementation.py).
    *implementation.urls(PROJECT),
    path(PROJECT + "modifier/", project_views.project_edit, name="project-edit"),
    path(PROJECT + "phases/", phases.phase_current, name="phase-current"),
    path(PROJECT + "phases/changer/", phases.phase_move, name="phase-move"),
    path(PHASE, phases.phase_detail, name="phase-detail"),
    path(PHASE + "check-list/", phases.answer_save, name="answer-save"),
    path(PHASE + "notes/", phases.note_add, name="note-add"),
    path(PHASE + "documents/", phases.document_upload, name="document-upload"),
    path(PROJECT + "documents/<int:phase_document_id>/", phases.document_download, name="document-download"),
]
