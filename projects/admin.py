from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

# --- Implementation follow-up (projects/models/implementation.py) ---------------------------------------------------
from projects.models import (
    ChecklistQuestion,
    Commitment,
    CommunicationAction,
    Feedback,
    Measurement,
    Milestone,
    Notification,
    Participant,
    PhaseTransition,
    Procurement,
    ProcurementThreshold,
    ProjectDecision,
    ProjectIndicator,
    ProjectStatus,
    Risk,
    Specification,
    Spending,
)


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ("label", "project", "baseline_date", "current_date", "done_date")
    list_select_related = ("project",)
    raw_id_fields = ("project",)


@admin.register(Commitment, Spending)
class BudgetEntryAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "project", "budget_line", "amount", "date")
    list_select_related = ("project", "budget_line")
    raw_id_fields = ("project", "budget_line")


@admin.register(ProjectDecision)
class ProjectDecisionAdmin(SimpleHistoryAdmin):
    """The decision log is append-only in the pages; an operator corrects a mistake here, the history keeps it."""

    list_display = ("date", "__str__", "decided_by", "project")
    list_select_related = ("project",)
    raw_id_fields = ("project", "feedback", "recorded_by")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("day", "kind", "project", "object_id", "recipients")
    list_select_related = ("project",)
    readonly_fields = ("project", "kind", "object_id", "day", "recipients", "sent_at")


for model in (ProjectStatus, ProjectIndicator, Measurement, Risk, Participant, Feedback, CommunicationAction):
    admin.site.register(
        model, SimpleHistoryAdmin, raw_id_fields=[f.name for f in model._meta.fields if f.many_to_one or f.one_to_one]
    )
# --- SPMM phases (projects/models/phases.py) ----------------------------------------------------


@admin.register(ChecklistQuestion)
class ChecklistQuestionAdmin(SimpleHistoryAdmin):
    """The checklists are data: the operator rewrites, reorders or retires questions (an inactive question is no
    longer asked; its answers stay)."""

    list_display = ["phase", "order", "topic", "text", "active"]
    list_display_links = ["text"]
    list_editable = ["order", "active"]
    list_filter = ["phase", "active", "topic"]
    search_fields = ["text", "topic", "help"]
    ordering = ["phase", "order"]


@admin.register(PhaseTransition)
class PhaseTransitionAdmin(admin.ModelAdmin):
    list_display = ["project", "from_phase", "to_phase", "decided_by", "decided_at", "open_items"]
    list_filter = ["to_phase"]
    readonly_fields = [f.name for f in PhaseTransition._meta.fields]

    def has_add_permission(self, request):
        return False


# --- Specifications and procurement (p-csc) -----------------------------------------------------


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
