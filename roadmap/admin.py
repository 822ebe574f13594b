from django import forms
from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from roadmap.models import FundingCall, SheetTemplate


@admin.register(FundingCall)
class FundingCallAdmin(SimpleHistoryAdmin):
    list_display = ("name", "funder", "rate", "minimum_cost", "ceiling", "deadline")
    search_fields = ("name", "funder")
    formfield_overrides = {models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}}


@admin.register(SheetTemplate)
class SheetTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "theme")
    list_filter = ("theme",)
    search_fields = ("name",)
