"""The ranking page: totals and contributions, priority classes, impact/effort matrix, robustness, TOPSIS,
blocked and incomplete sheets, disagreements to settle.

Every member of the commune reads it; a referent who has not submitted their grid yet sees only an
invitation to submit it, so that the others' scores do not sway theirs.
"""

from django.shortcuts import render

from roadmap.selectors.ranking import mission_ranking
from roadmap.services.scoring import has_submitted
from territoire import access


def ranking(request, mission_id):
    mission = access.load_mission(request.user, mission_id)
    scorer = access.can_score(request.user, mission)
    hidden = scorer and not has_submitted(mission=mission, consultant=request.user)
    return render(
        request,
        "roadmap/ranking/index.html",
        {
            "mission": mission,
            "commune": mission.commune,
            "scorer": scorer,
            "hidden": hidden,
            "result": None if hidden else mission_ranking(mission),
        },
    )
