from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from territoire.models import PST, Commune, Membership, Mission, PSTImport

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
