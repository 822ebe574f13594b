from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from territoire import access, cockpit, services
from territoire.dashboard import mission_prefetches, mission_templates
from territoire.forms import MissionForm, PhaseForm
from territoire.models import Membership, Mission


def dashboard(request):
    missions = Mission.objects.prefetch_related("referents", *mission_prefetches()).order_by("phase", "-start_date")
    communes = access.visible_communes(request.user).prefetch_related(Prefetch("missions", queryset=missions))
    own = {m.commune_id: m for m in Membership.objects.filter(user=request.user)}
    memberships = [
        cockpit.MembershipRow(
            commune, own[commune.pk].role if commune.pk in own else None, list(commune.missions.all())
        )
        for commune in communes
    ]
    todos = cockpit.dashboard_todos(request.user, memberships)
    rows = [(row.commune, row.role, own[row.commune.pk].role_label if row.role else "") for row in memberships]
    todo_rows = [(row.commune, todo) for row in memberships for todo in todos.get(row.commune.pk, [])]
    return render(
        request,
        "territoire/dashboard.html",
        {"rows": rows, "todos": todo_rows, "mission_extras": mission_templates()},
    )


def commune_detail(request, commune_id):
    commune = access.load_commune(request.user, commune_id)
    members = Membership.objects.for_commune(commune).select_related("user").order_by("role", "user__last_name")
    missions = commune.missions.prefetch_related("referents")
    return render(
        request,
        "territoire/commune_detail.html",
        {
            "commune": commune,
            "members": members,
            "missions": missions,
            "my_role": access.role_in(request.user, commune),
        },
    )


def commune_logo(request, commune_id):
    # Uploaded files are served through a view that checks the tenant, never from a public /media/.
    commune = access.load_commune(request.user, commune_id)
    if not commune.logo:
        raise Http404
    try:
        handle = commune.logo.open("rb")
    except FileNotFoundError:  # gone from the folder or the bucket (a partial restore): no 500
        raise Http404 from None
    return FileResponse(handle)


def mission_create(request, commune_id):
    commune = access.load_commune(request.user, commune_id, perm=access.can_manage_mission)
    form = MissionForm(request.POST or None, commune=commune)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        mission = services.mission_create(
            commune=commune,
            by=request.user,
            title=data["title"],
            description=data["description"],
            start_date=data["start_date"],
            planned_end_date=data["planned_end_date"],
            referents=data["referents"],
            privacy_notice=data["privacy_notice"],
        )
        messages.success(request, _("La mission « %(title)s » est créée.") % {"title": mission.title})
        return redirect(mission)
    return render(request, "territoire/mission_form.html", {"form": form, "commune": commune})


def mission_detail(request, mission_id):
    mission = access.load_mission(request.user, mission_id)
    return render(
        request,
        "territoire/mission_detail.html",
        {
            "mission": mission,
            "commune": mission.commune,
            "phase_form": PhaseForm(initial={"phase": mission.phase}),
            "cockpit": cockpit.mission_cockpit(mission, user=request.user),
            "plan": cockpit.plan_position(mission),
        },
    )


def mission_edit(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    form = MissionForm(request.POST or None, instance=mission, commune=mission.commune)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.mission_update(
                mission=mission,
                by=request.user,
                referents=data.pop("referents"),
                expected_version=data.pop("version"),
                **data,
            )
        except services.StaleEdit as stale:
            # Keep what this editor typed; a second save, now knowingly, replaces the other version.
            form.data = form.data.copy()
            form.data["version"] = stale.current_version
            form.add_error(
                None,
                _(
                    "Quelqu'un a enregistré cette mission pendant que vous la modifiiez : vos changements ne sont "
                    "pas encore enregistrés. Enregistrez à nouveau pour remplacer sa version par la vôtre, ou "
                    "annulez pour voir la sienne."
                ),
            )
        else:
            messages.success(request, _("La mission est enregistrée."))
            return redirect(mission)
    return render(
        request, "territoire/mission_form.html", {"form": form, "commune": mission.commune, "mission": mission}
    )


@require_POST
def mission_phase(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    form = PhaseForm(request.POST)
    if form.is_valid():
        services.mission_set_phase(mission=mission, phase=form.cleaned_data["phase"], by=request.user)
        messages.success(
            request, _("La mission est passée en phase « %(phase)s ».") % {"phase": mission.get_phase_display()}
        )
    else:
        messages.error(request, _("Cette phase n'existe pas."))
    return redirect(mission)


@login_not_required
def health(request):
    """For load balancers and docker healthchecks: the process answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def server_error(request):
    """The French 500 page with the request id a support person finds in the log line of that request.

    Rendered without a RequestContext: context processors may need the database that just failed.
    """
    html = loader.get_template("500.html").render({"request_id": getattr(request, "request_id", "")})
    return HttpResponseServerError(html)
