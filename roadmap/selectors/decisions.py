"""Reads of the Collège's decision: the mission's versions with their decisions, in a fixed number of queries."""

from django.db.models import Prefetch

from roadmap.models import RoadmapDecision, RoadmapVersion


def versions_with_decisions(mission):
    """The mission's versions, latest first, with their author and each decision's member (three queries)."""
    decisions = RoadmapDecision.objects.select_related("member").order_by("decided_at", "pk")
    return (
        RoadmapVersion.objects.filter(mission=mission)
        .select_related("submitted_by")
        .prefetch_related(Prefetch("decisions", queryset=decisions))
        .order_by("-number")
    )


def member_decision(version, user) -> RoadmapDecision | None:
    """The user's decision among the version's (prefetched) decisions."""
    return next((d for d in version.decisions.all() if d.member_id == user.pk), None)
