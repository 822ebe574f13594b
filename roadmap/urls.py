from django.urls import path

from roadmap import views
from roadmap.views import decisions, library, ranking, reports, scoring, sheets, timeline, workbook

app_name = "roadmap"

SHEET = "fiches/<int:sheet_id>/"
TEMPLATE = "modeles/<int:template_id>/"
VERSION = "college/<int:version_id>/"
REPORT = "rapports/<int:report_id>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("rapports/", reports.reports, name="reports"),
    path("rapports/generer/", reports.report_generate, name="report-generate"),
    path("rapports/apercu/", reports.report_preview, name="report-preview"),
    path(REPORT + "etat/", reports.report_status, name="report-status"),
    path(REPORT + "relancer/", reports.report_retry, name="report-retry"),
    path(REPORT + "remettre/", reports.report_deliver, name="report-deliver"),
    path(REPORT + "telecharger/", reports.report_download, name="report-download"),
    path(REPORT + "annexe/", reports.report_annex, name="report-annex"),
    path("fiches/", sheets.sheet_list, name="sheet-list"),
    path("fiches/export/", workbook.workbook_export, name="workbook-export"),
    path("fiches/import/", workbook.workbook_import, name="workbook-import"),
    path("fiches/import/confirmer/", workbook.workbook_import_confirm, name="workbook-import-confirm"),
    path("fiches/nouvelle/", sheets.sheet_create, name="sheet-create"),
    path("fiches/depuis-constat/<int:finding_id>/", sheets.sheet_from_finding, name="sheet-from-finding"),
    path(SHEET, sheets.sheet_detail, name="sheet-detail"),
    path(SHEET + "modifier/", sheets.sheet_edit, name="sheet-edit"),
    path(SHEET + "statut/", sheets.sheet_status, name="sheet-status"),
    path(SHEET + "historique/", sheets.sheet_history, name="sheet-history"),
    path(SHEET + "planning/liberer/", timeline.sheet_unpin, name="sheet-unpin"),
    path(SHEET + "dupliquer/", sheets.sheet_duplicate, name="sheet-duplicate"),
    path(SHEET + "modele/", library.sheet_save_template, name="sheet-save-template"),
    path("modeles/", library.template_list, name="template-list"),
    path(TEMPLATE + "utiliser/", library.sheet_from_template, name="sheet-from-template"),
    path(TEMPLATE + "supprimer/", library.template_delete, name="template-delete"),
    path("criteres/", scoring.criteria, name="criteria"),
    path("criteres/par-defaut/", scoring.criteria_defaults, name="criteria-defaults"),
    path("criteres/reglages/", scoring.ranking_settings, name="ranking-settings"),
    path("criteres/<int:criterion_id>/", scoring.criterion_edit, name="criterion-edit"),
    path("cotation/", scoring.scoring_grid, name="scoring-grid"),
    path("classement/", ranking.ranking, name="ranking"),
    path("planning/", timeline.timeline, name="timeline"),
    path("planning/reglages/", timeline.timeline_settings, name="timeline-settings"),
    path("planning/enveloppes/", timeline.envelope_edit, name="envelope-edit"),
    path("planning/fixer/", timeline.sheet_pin, name="sheet-pin"),
    path("college/", decisions.versions, name="versions"),
    path("college/soumettre/", decisions.version_submit, name="version-submit"),
    path(VERSION, decisions.version_detail, name="version-detail"),
    path(VERSION + "decision/", decisions.version_decide, name="version-decide"),
    path(
        "classement/consensus/<int:sheet_id>/<int:criterion_id>/",
        scoring.consensus_edit,
        name="consensus-edit",
    ),
]
