from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from roadmap.models import FundingCall, SheetTemplate


@admin.register(FundingCall)
class FundingCallAdmin(SimpleHistoryAdmin):
    list_display = ("name", "funder", "rate", "minimum_cost", "ceiling", "deadline")
    search_fields = ("name", "funder")


@admin.register(SheetTemplate)
class SheetTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "theme")
    list_filter = ("theme",)
    search_fields = ("name",)
