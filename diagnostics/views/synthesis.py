"""The « diagnostic smart » page: the synthesis of the mission's diagnostic (see ``diagnostics.synthesis``)."""

from django.shortcuts import render

from diagnostics.synthesis import synthesis
from territoire import access


def synthesis_view(request, mission_id):
    mission = access.load_mission(request.user, mission_id)
    return render(
        request,
        "diagnostics/synthesis.html",
        {
            "mission": mission,
            "synthesis": synthesis(mission, user=request.user),
            "printing": request.GET.get("impression") == "1",
        },
    )
