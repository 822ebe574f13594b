from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

# --- SPMM phases (p-core) -----------------------------------------------------------------------
from projects.models import ChecklistQuestion, PhaseTransition


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
