"""A respondent's personal data on request (GDPR): search, export (JSON), erase after confirmation."""

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from diagnostics.models import Erasure, Invitation, Response, Workshop
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
            "participants": services.workshop_participant_find(mission=mission, name=query) if query else [],
            "erasures": Erasure.objects.filter(mission=mission).select_related("campaign", "workshop", "by")[:50],
        },
    )


def privacy_export(request, mission_id, invitation_id=None, response_id=None):
    respondent = _load_respondent(request, mission_id, invitation_id=invitation_id, response_id=response_id)
    data = services.respondent_export(respondent=respondent)
    number = respondent.response.pk if respondent.response else f"invitation-{respondent.invitation.pk}"
    return _json_attachment(data, f"donnees-repondant-{number}.json")


# What a person typed goes out as they typed it, but never as markup a browser could run if the file were
# opened as a page: < > & written as JSON escapes (the same text once parsed), as json_script does.
JSON_MARKUP_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _json_attachment(data: dict, filename: str) -> HttpResponse:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).translate(JSON_MARKUP_ESCAPES)
    response = HttpResponse(text, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
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


def _load_participant(request, mission_id, workshop_id, name: str) -> services.WorkshopParticipant | None:
    """The name in the workshop; None when no name is given (the views send back to the search), 404 when the name
    is on none of its cards nor in its list."""
    workshop = access.load(
        request.user,
        Workshop.objects.filter(mission_id=mission_id).select_related("mission__commune"),
        perm=access.can_handle_personal_data,
        pk=workshop_id,
    )
    if not name.strip():
        return None
    participant = services.workshop_participant_of(workshop=workshop, name=name)
    if not (participant.cards or participant.listed):
        raise Http404
    return participant


def privacy_workshop_export(request, mission_id, workshop_id):
    participant = _load_participant(request, mission_id, workshop_id, request.GET.get("nom", ""))
    if participant is None:
        return redirect("diagnostics:privacy", mission_id)
    data = services.workshop_participant_export(participant=participant)
    return _json_attachment(data, f"donnees-participant-atelier-{workshop_id}.json")


def privacy_workshop_erase(request, mission_id, workshop_id):
    name = request.POST.get("nom", "") if request.method == "POST" else request.GET.get("nom", "")
    participant = _load_participant(request, mission_id, workshop_id, name)
    if participant is None:
        return redirect("diagnostics:privacy", mission_id)
    if request.method == "POST":
        services.workshop_participant_erase(participant=participant, by=request.user)
        messages.success(request, _("Le nom de ce participant est effacé de l'atelier."))
        return redirect("diagnostics:privacy", mission_id)
    mission = participant.workshop.mission
    return render(
        request,
        "diagnostics/privacy/erase_participant.html",
        {"mission": mission, "commune": mission.commune, "participant": participant},
    )
