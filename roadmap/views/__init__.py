"""Views of the roadmap, one module per subdomain; the app's index page is here."""

from django.shortcuts import render

from roadmap.selectors.sheets import sheet_rows
from territoire import access


def index(request, mission_id):
    mission = access.load_mission(request.user, mission_id)
    return render(
        request,
        "roadmap/index.html",
        {"mission": mission, "commune": mission.commune, "rows": sheet_rows(mission)},
    )
