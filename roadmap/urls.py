from django.urls import path

from roadmap import views
from roadmap.views import ranking, reports, scoring

app_name = "roadmap"

urlpatterns = [
    path("", views.index, name="index"),
    path("rapports/", reports.reports, name="reports"),
    path("criteres/", scoring.criteria, name="criteria"),
    path("criteres/par-defaut/", scoring.criteria_defaults, name="criteria-defaults"),
    path("criteres/reglages/", scoring.ranking_settings, name="ranking-settings"),
    path("criteres/<int:criterion_id>/", scoring.criterion_edit, name="criterion-edit"),
    path("cotation/", scoring.scoring_grid, name="scoring-grid"),
    path("classement/", ranking.ranking, name="ranking"),
    path(
        "classement/consensus/<int:sheet_id>/<int:criterion_id>/",
        scoring.consensus_edit,
        name="consensus-edit",
    ),
]
