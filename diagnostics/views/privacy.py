"""A respondent's personal data on request (GDPR): search, export (JSON), erase after confirmation."""

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from diagnostics.models import Erasure, Invitation, Response
from diagnostics.services import privacy as services
from territoire import access


def _load_respondent(request, mission_id, *, invitation_id=None, response_id=None) -> services.Respondent:
    if invitation_id is not None:
        queryset = Invitation.objects.filter(campaign__mission_id=mission_id)
        found = {
            "invitation": access.load(request.user, queryset, perm=access.can_handle_personal_data, pk=invitation_id)
        }
    else:
        queryset = Response.objects.filter(campaign__mission_id=mission_id)
        found = {"response": access.load(request.user, queryset, perm=access.can_handle_personal_data, pk=response_id)}
    return services.respondent_of(**found)


def privacy_search(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_handle_personal_data)
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "diagnostics/privacy/search.html",
        {
            "mission": mission,
            "commune": mission.commune,
            "query": query,
            "respondents": services.respondent_find(mission=mission, query=query) if query else None,
            "erasures": Erasure.objects.filter(campaign__mission=mission).select_related("campaign", "by")[:50],
        },
    )


def privacy_export(request, mission_id, invitation_id=None, response_id=None):
    respondent = _load_respondent(request, mission_id, invitation_id=invitation_id, response_id=response_id)
    data = services.respondent_export(respondent=respondent)
    number = respondent.response.pk if respondent.response else f"invitation-{respondent.invitation.pk}"
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="donnees-repondant-{number}.json"'
    return response


def privacy_erase(request, mission_id, invitation_id=None, response_id=None):
    respondent = _load_respondent(request, mission_id, invitation_id=invitation_id, response_id=response_id)
    if request.method == "POST":
        services.respondent_erase(respondent=respondent, by=request.user)
        messages.success(request, _("Les données personnelles de ce répondant sont effacées."))
        return redirect("diagnostics:privacy", mission_id)
    return render(
        request,
        "diagnostics/privacy/erase.html",
        {
            "mission": respondent.campaign.mission,
            "commune": respondent.campaign.mission.commune,
            "respondent": respondent,
        },
    )
