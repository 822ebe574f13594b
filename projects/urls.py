from django.urls import path

from projects import views
from projects.views import implementation, overview, phases
from projects.views import procurement as procurement_views
from projects.views import projects as project_views
from projects.views import specifications as specification_views

app_name = "projects"

PROJECT = "<int:project_id>/"
PHASE = PROJECT + "phases/<slug:phase>/"

CSC = PROJECT + "csc/"
MARKET = PROJECT + "marches/"

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
    path(PROJECT + "pieces-jointes/<int:phase_document_id>/", phases.document_download, name="document-download"),
    # Specifications (CSC)
    path(CSC, specification_views.specifications, name="specifications"),
    path(CSC + "<int:specification_id>/", specification_views.specification_detail, name="specification-detail"),
    path(
        CSC + "<int:specification_id>/brouillon/", specification_views.specification_draft, name="specification-draft"
    ),
    path(
        CSC + "<int:specification_id>/statut/", specification_views.specification_status, name="specification-status"
    ),
    path(CSC + "<int:specification_id>/criteres/", specification_views.criteria_edit, name="criteria-edit"),
    path(CSC + "<int:specification_id>/exigences/", specification_views.requirement_add, name="requirement-add"),
    path(CSC + "<int:specification_id>/lots/", specification_views.lot_add, name="lot-add"),
    path(
        CSC + "<int:specification_id>/generer/", specification_views.specification_render, name="specification-render"
    ),
    path(CSC + "sections/<int:spec_section_id>/", specification_views.section_edit, name="section-edit"),
    path(CSC + "sections/<int:spec_section_id>/reprise/", specification_views.section_reuse, name="section-reuse"),
    path(
        CSC + "exigences/<int:requirement_id>/deplacer/", specification_views.requirement_move, name="requirement-move"
    ),
    path(
        CSC + "exigences/<int:requirement_id>/supprimer/",
        specification_views.requirement_delete,
        name="requirement-delete",
    ),
    path(CSC + "lots/<int:lot_id>/supprimer/", specification_views.lot_delete, name="lot-delete"),
    path(PROJECT + "documents/<int:render_id>/", specification_views.render_detail, name="render-detail"),
    path(PROJECT + "documents/<int:render_id>/fichier/", specification_views.render_download, name="render-download"),
    # Procurement
    path(MARKET, procurement_views.procurements, name="procurements"),
    path(MARKET + "<int:procurement_id>/", procurement_views.procurement_detail, name="procurement-detail"),
    path(MARKET + "<int:procurement_id>/modifier/", procurement_views.procurement_edit, name="procurement-edit"),
    path(
        MARKET + "<int:procurement_id>/procedure/",
        procurement_views.procurement_procedure,
        name="procurement-procedure",
    ),
    path(
        MARKET + "<int:procurement_id>/calendrier/",
        procurement_views.procurement_timeline,
        name="procurement-timeline",
    ),
    path(MARKET + "<int:procurement_id>/operateurs/", procurement_views.provider_add, name="provider-add"),
    path(MARKET + "<int:procurement_id>/offres/", procurement_views.offer_add, name="offer-add"),
    path(MARKET + "<int:procurement_id>/evaluation/", procurement_views.evaluation, name="procurement-evaluation"),
    path(MARKET + "<int:procurement_id>/attribution/", procurement_views.procurement_award, name="procurement-award"),
    path(MARKET + "<int:procurement_id>/rapport/", procurement_views.award_report, name="award-report"),
    path(MARKET + "offres/<int:offer_id>/ecarter/", procurement_views.offer_exclusion, name="offer-exclusion"),
    path(MARKET + "documents/<int:offer_document_id>/", procurement_views.offer_document, name="offer-document"),
]
