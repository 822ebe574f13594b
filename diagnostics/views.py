from django.shortcuts import render

from territoire import access

# The hub shows one card per part of the diagnostic; each part adds its template here.
DIAGNOSTIC_CARDS = [
    "diagnostics/cards/coming_soon.html",
]


def index(request, mission_id):
    mission = access.load_mission(request.user, mission_id)
    return render(
        request,
        "diagnostics/index.html",
        {"mission": mission, "commune": mission.commune, "diagnostic_cards": DIAGNOSTIC_CARDS},
    )
