from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

# --- Specifications and procurement (p-csc) -----------------------------------------------------
from projects.models import Procurement, ProcurementThreshold, Specification


@admin.register(ProcurementThreshold)
class ProcurementThresholdAdmin(SimpleHistoryAdmin):
    """Thresholds are dated data: a new value is a new row from its date on, the old one stays for older launches."""

    list_display = ("procedure", "nature", "valid_from", "amount", "publication", "legal_article")
    list_filter = ("procedure", "nature", "publication")
    ordering = ("-valid_from", "procedure", "nature")


@admin.register(Specification)
class SpecificationAdmin(SimpleHistoryAdmin):
    list_display = ("title", "project", "status", "version", "updated_at")
    list_filter = ("status",)
    search_fields = ("title", "project__title")
    raw_id_fields = ("project", "created_by")


@admin.register(Procurement)
class ProcurementAdmin(SimpleHistoryAdmin):
    list_display = ("title", "project", "nature", "estimated_amount", "procedure", "planned_launch")
    list_filter = ("nature", "procedure")
    search_fields = ("title", "project__title")
    raw_id_fields = ("project", "specification", "lot", "awarded_offer", "awarded_by")
