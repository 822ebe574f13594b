"""Operators' view of the diagnostic (Django admin). Answers stay out of it: they are read through
the results screens, which respect anonymity."""

from django.contrib import admin

from diagnostics.models import (
    Campaign,
    DataFlow,
    DigitalSystem,
    Finding,
    FindingSource,
    Initiative,
    Interview,
    InterviewGuide,
    Questionnaire,
    Workshop,
)


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "mission", "owner"]
    search_fields = ["title"]
    list_select_related = ["mission", "owner"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["__str__", "audience", "opens_at", "closes_at"]
    list_filter = ["audience"]


@admin.register(Interview, InterviewGuide, Workshop, Initiative)
class FieldworkAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created_at"]


@admin.register(DigitalSystem)
class DigitalSystemAdmin(admin.ModelAdmin):
    list_display = ["name", "commune", "category", "vendor", "yearly_cost", "contract_end"]
    list_filter = ["category", "commune"]
    search_fields = ["name", "vendor"]
    list_select_related = ["commune"]


@admin.register(DataFlow)
class DataFlowAdmin(admin.ModelAdmin):
    list_display = ["__str__", "mode"]
    list_filter = ["mode"]


class FindingSourceInline(admin.TabularInline):
    model = FindingSource
    extra = 0
    raw_id_fields = ["question", "interview", "card", "pst_node"]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["statement", "mission", "theme", "importance", "status"]
    list_filter = ["status", "importance", "theme"]
    search_fields = ["statement"]
    list_select_related = ["mission"]
    raw_id_fields = ["mission", "merged_into", "created_by", "objectives"]
    inlines = [FindingSourceInline]
