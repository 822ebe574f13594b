from django.shortcuts import render

from territoire import access


def index(request, mission_id):
    mission = access.load_mission(request.user, mission_id)
    return render(request, "roadmap/index.html", {"mission": mission, "commune": mission.commune})


def reports(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_download_reports)
    return render(request, "roadmap/reports.html", {"mission": mission, "commune": mission.commune})
