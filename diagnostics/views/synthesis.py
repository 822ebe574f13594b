"""The « diagnostic smart » page: the synthesis of the mission's diagnostic (``diagnostics.selectors.synthesis``)."""

from django.shortcuts import render

from diagnostics.selectors.synthesis import synthesis
from territoire import access


def synthesis_view(request, mission_id):
    mission = access.load_mission(request.user, mission_id)
    return render(
        request,
        "diagnostics/synthesis/detail.html",
        {
            "mission": mission,
            "synthesis": synthesis(mission, user=request.user),
            "printing": request.GET.get("impression") == "1",
        },
    )
