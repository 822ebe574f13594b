from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from territoire.models import PST, Commune, ExportJob, Membership, Mission, PSTImport, UnsentTask

User = get_user_model()


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]
    fields = ["user", "role", "function", "service"]


class UserMembershipInline(MembershipInline):
    autocomplete_fields = ["commune"]
    fields = ["commune", "role", "function", "service"]


@admin.register(Commune)
class CommuneAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "country", "region", "province", "population"]
    list_filter = ["country", "region", "province"]
    search_fields = ["name", "code"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "commune", "role", "role_title", "function", "service"]
    list_filter = ["role", "commune"]
    search_fields = ["user__username", "user__last_name", "user__email", "commune__name"]
    autocomplete_fields = ["user", "commune"]
    list_select_related = ["user", "commune"]


@admin.register(Mission)
class MissionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "commune", "phase", "start_date", "planned_end_date"]
    list_filter = ["phase", "commune"]
    search_fields = ["title", "commune__name"]
    filter_horizontal = ["referents"]
    list_select_related = ["commune"]
    date_hierarchy = "start_date"


admin.site.unregister(User)


@admin.register(User)
class TerritoireUserAdmin(UserAdmin):
    inlines = [UserMembershipInline]


@admin.register(PST)
class PSTAdmin(admin.ModelAdmin):
    list_display = ["__str__", "commune", "start_year", "end_year", "entity"]
    list_filter = ["entity", "commune"]
    list_select_related = ["commune"]


@admin.register(PSTImport)
class PSTImportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created_at"]
    date_hierarchy = "created_at"


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Jobs are made by the export pages and purged by ``exports_purge``: the admin reads them (to help someone
    whose export failed) and may delete them, never edit them."""

    list_display = ["kind", "commune", "requested_by", "status", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["commune", "requested_by"]
    search_fields = ["commune__name", "requested_by__username", "filename"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in ExportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UnsentTask)
class UnsentTaskAdmin(admin.ModelAdmin):
    """The tasks the broker refused (Redis down), waiting for ``territoire.resend_unsent``: read, never edited."""

    list_display = ["name", "args", "created_at", "error"]
    list_filter = ["name"]
    readonly_fields = [f.name for f in UnsentTask._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
