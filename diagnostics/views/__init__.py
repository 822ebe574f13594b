"""Views of the diagnostic, one module per screen family.

``DIAGNOSTIC_CARDS`` (the hub's cards) and ``index`` stay importable from ``diagnostics.views``.
"""

from django.db.models import Count, Q
from django.shortcuts import render

from diagnostics.models import Campaign, Questionnaire
from territoire import access

# The hub shows one card per part of the diagnostic; each part adds its template here.
DIAGNOSTIC_CARDS = [
    "diagnostics/cards/pst.html",
    "diagnostics/cards/questionnaires.html",
    "diagnostics/cards/interviews.html",
    "diagnostics/cards/workshops.html",
    "diagnostics/cards/inventory.html",
    "diagnostics/cards/findings.html",
    "diagnostics/cards/synthesis.html",
]


def index(request, mission_id):
    mission = access.load_mission(request.user, mission_id)
    campaigns = Campaign.objects.filter(mission=mission).aggregate(
        total=Count("pk", distinct=True),
        responses=Count("responses", filter=Q(responses__submitted_at__isnull=False), distinct=True),
    )
    return render(
        request,
        "diagnostics/index.html",
        {
            "mission": mission,
            "commune": mission.commune,
            "diagnostic_cards": DIAGNOSTIC_CARDS,
            "questionnaire_count": Questionnaire.objects.filter(mission=mission).count(),
            "campaign_count": campaigns["total"],
            "submitted_count": campaigns["responses"],
        },
    )
