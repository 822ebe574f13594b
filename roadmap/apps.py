from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapConfig(AppConfig):
    name = "roadmap"
    verbose_name = _("Feuille de route")

    def ready(self):
        from roadmap.exports import register_exports
        from territoire import dashboard, reference_data

        register_exports()
        for model in ("roadmap.FundingCall", "roadmap.SheetTemplate"):
            reference_data.register(
                self, migration="roadmap.migrations.0002_sheet_content_budget_funding", function="seed", model=model
            )
        # The dashboard offers each member the report handed to the Collège, in one click (one query in all).
        dashboard.register_mission_extra(prefetch=_delivered_reports, template="roadmap/reports/_dashboard.html")


def _delivered_reports():
    from django.db.models import Prefetch

    from roadmap.models import ReportVersion

    delivered = ReportVersion.objects.delivered().only("pk", "mission_id", "number", "pages", "size", "delivered_at")
    return Prefetch("report_versions", queryset=delivered, to_attr="delivered_reports")
