"""Reads of the scoring grid: a consultant's own scores and, once they have submitted, the others'."""

from roadmap.models import Criterion, ProjectSheet, Score


def grid_rows(mission):
    """The grid's sheets (proposed and retained, by code) and criteria (by position)."""
    sheets = list(ProjectSheet.objects.for_mission(mission).scorable().order_by("code"))
    criteria = list(Criterion.objects.for_mission(mission))
    return sheets, criteria


def own_scores(mission, consultant) -> dict:
    """(sheet id, criterion id) → the consultant's ``Score``."""
    return {
        (s.sheet_id, s.criterion_id): s
        for s in Score.objects.filter(sheet__mission=mission, criterion__mission=mission, consultant=consultant)
    }


def others_scores(mission, consultant=None) -> dict:
    """(sheet id, criterion id) → [(name, value, comment)] of the consultants other than ``consultant``
    (of all of them when None), by name."""
    found = {}
    scores = Score.objects.filter(sheet__mission=mission, criterion__mission=mission)
    if consultant is not None:
        scores = scores.exclude(consultant=consultant)
    scores = scores.select_related("consultant").order_by(
        "consultant__last_name", "consultant__first_name", "consultant_id"
    )
    for score in scores:
        name = score.consultant.get_full_name() or score.consultant.get_username()
        found.setdefault((score.sheet_id, score.criterion_id), []).append((name, score.value, score.comment))
    return found
