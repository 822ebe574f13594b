"""Views of the projects follow-up, one module per subdomain; the app's index page is here."""

from django.shortcuts import render

from territoire import access


def index(request, mission_id):
    mission = access.load_mission(request.user, mission_id)
    return render(request, "projects/index.html", {"mission": mission, "commune": mission.commune})
