from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from roadmap.models import (
    BudgetEnvelope,
    FundingCall,
    ReportVersion,
    RoadmapDecision,
    RoadmapVersion,
    SheetPin,
    SheetTemplate,
    TimelineSettings,
)
from territoire.models import SmartTheme


class FundingCallForm(forms.ModelForm):
    """Eligible themes as boxes to tick rather than JSON to type."""

    eligible_themes = forms.MultipleChoiceField(
        label=_("thèmes éligibles"),
        choices=SmartTheme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucun coché : tous les thèmes."),
    )
    url = forms.URLField(label=_("lien"), required=False, assume_scheme="https")

    class Meta:
        model = FundingCall
        fields = [
            "name",
            "funder",
            "rate",
            "minimum_cost",
            "ceiling",
            "eligible_themes",
            "eligible_bodies",
            "deadline",
            "url",
        ]


@admin.register(FundingCall)
class FundingCallAdmin(SimpleHistoryAdmin):
    form = FundingCallForm
    list_display = ("name", "funder", "rate", "minimum_cost", "ceiling", "deadline")
    search_fields = ("name", "funder")


@admin.register(SheetTemplate)
class SheetTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "theme")
    list_filter = ("theme",)
    search_fields = ("name",)


@admin.register(TimelineSettings)
class TimelineSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("mission", "start_year", "start_quarter", "years", "fte_capacity")
    list_select_related = ("mission__commune",)
    search_fields = ("mission__title", "mission__commune__name")
    raw_id_fields = ("mission",)


@admin.register(BudgetEnvelope)
class BudgetEnvelopeAdmin(SimpleHistoryAdmin):
    list_display = ("mission", "year", "amount")
    list_filter = ("year",)
    list_select_related = ("mission__commune",)
    search_fields = ("mission__title", "mission__commune__name")
    raw_id_fields = ("mission",)


@admin.register(SheetPin)
class SheetPinAdmin(SimpleHistoryAdmin):
    list_display = ("sheet", "start_year", "start_quarter", "by")
    list_select_related = ("sheet__mission", "by")
    search_fields = ("sheet__code", "sheet__title", "sheet__mission__commune__name")
    raw_id_fields = ("sheet", "by")


class RoadmapDecisionInline(admin.TabularInline):
    model = RoadmapDecision
    extra = 0
    can_delete = False
    fields = ("member", "decision", "comment", "decided_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RoadmapVersion)
class RoadmapVersionAdmin(SimpleHistoryAdmin):
    """A version is what the Collège was shown: its snapshot is frozen, so the admin only reads it."""

    list_display = ("mission", "number", "submitted_by", "submitted_at")
    list_select_related = ("mission__commune", "submitted_by")
    search_fields = ("mission__title", "mission__commune__name")
    date_hierarchy = "submitted_at"
    readonly_fields = ("mission", "number", "submitted_by", "submitted_at", "note", "snapshot")
    inlines = [RoadmapDecisionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RoadmapDecision)
class RoadmapDecisionAdmin(SimpleHistoryAdmin):
    """Each member's own decision, recorded on the Collège page; the admin reads it."""

    list_display = ("version", "member", "decision", "decided_at")
    list_filter = ("decision",)
    list_select_related = ("version__mission", "member")
    search_fields = ("version__mission__title", "member__username", "member__last_name")
    readonly_fields = ("version", "member", "decision", "comment", "decided_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportVersion)
class ReportVersionAdmin(admin.ModelAdmin):
    """Read-only: versions are produced by the worker and downloaded through the permission-checked view."""

    list_display = ("mission", "number", "status", "pages", "size", "delivered", "requested_by", "created_at")
    list_filter = ("status", "delivered")
    list_select_related = ("mission", "requested_by")
    search_fields = ("mission__title", "mission__commune__name", "sha256")
    exclude = ("snapshot", "annex")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("snapshot", "annex")
