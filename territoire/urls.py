from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from territoire import views
from territoire.views import accounts as account_views
from territoire.views import exports as export_views
from territoire.views import pst as pst_views

territoire_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("communes/<int:commune_id>/", views.commune_detail, name="commune-detail"),
    path("communes/<int:commune_id>/logo/", views.commune_logo, name="commune-logo"),
    path("communes/<int:commune_id>/missions/nouvelle/", views.mission_create, name="mission-create"),
    path("missions/<int:mission_id>/", views.mission_detail, name="mission-detail"),
    path("missions/<int:mission_id>/modifier/", views.mission_edit, name="mission-edit"),
    path("missions/<int:mission_id>/phase/", views.mission_phase, name="mission-phase"),
    path("missions/<int:mission_id>/pst/", pst_views.pst_index, name="pst-index"),
    path("missions/<int:mission_id>/pst/importer/", pst_views.pst_import, name="pst-import"),
    path(
        "missions/<int:mission_id>/pst/imports/<int:import_id>/",
        pst_views.pst_import_preview,
        name="pst-import-preview",
    ),
    path(
        "missions/<int:mission_id>/pst/imports/<int:import_id>/confirmer/",
        pst_views.pst_import_confirm,
        name="pst-import-confirm",
    ),
    path(
        "missions/<int:mission_id>/pst/imports/<int:import_id>/fichier/",
        pst_views.pst_import_file,
        name="pst-import-file",
    ),
    path("missions/<int:mission_id>/pst/<int:pst_id>/", pst_views.pst_detail, name="pst-detail"),
    *(
        path(
            f"missions/<int:mission_id>/pst/<int:pst_id>/export.{fmt}",
            pst_views.pst_export,
            {"file_format": fmt},
            name=f"pst-export-{fmt}",
        )
        for fmt in ("xlsx", "csv", "xml")
    ),
    path("missions/<int:mission_id>/pst/elements/<int:node_id>/", pst_views.pst_node, name="pst-node"),
    path(
        "missions/<int:mission_id>/pst/elements/<int:node_id>/themes/", pst_views.pst_node_tags, name="pst-node-tags"
    ),
    path(
        "missions/<int:mission_id>/pst/elements/<int:node_id>/themes/arbre/",
        pst_views.pst_node_tags_inline,
        name="pst-node-tags-inline",
    ),
    path("exports/<int:job_id>/", export_views.export_job, name="export-job"),
    path("exports/<int:job_id>/fichier/", export_views.export_job_download, name="export-job-download"),
    path("exports/<int:job_id>/relancer/", export_views.export_job_retry, name="export-job-retry"),
]

account_patterns = [
    path("connexion/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("mot-de-passe/modifie/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("mot-de-passe/oublie/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe/oublie/envoye/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe/nouveau/fait/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

handler500 = "territoire.views.core.server_error"

urlpatterns = [
    path("", include((territoire_patterns, "territoire"))),
    path("missions/<int:mission_id>/diagnostic/", include("diagnostics.urls")),
    # Respondents' links (/r/<token>/, /p/<public token>/): public, no account needed.
    path("", include("diagnostics.public_urls")),
    path("missions/<int:mission_id>/feuille-de-route/", include("roadmap.urls")),
    path("missions/<int:mission_id>/projets/", include("projects.urls")),
    # Every followed project of the user's communes (a consultant's portfolio across communes).
    path("projets/", include("projects.portfolio_urls")),
    path("compte/", include(account_patterns)),
    path("sante/", views.health, name="health"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = _("Territoire — administration")
admin.site.site_title = _("Territoire")
admin.site.index_title = _("Communes, utilisateurs et appartenances")
