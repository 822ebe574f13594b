from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from roadmap.models import FundingCall, ReportVersion, SheetTemplate
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
