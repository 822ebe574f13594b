"""The final report of the mission (placeholder until the PDF pipeline)."""

from django.shortcuts import render

from territoire import access


def reports(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_download_reports)
    return render(request, "roadmap/reports/index.html", {"mission": mission, "commune": mission.commune})
