"""Writes of the Collège's decision: the consultant submits a frozen version, Collège members decide on it.

``roadmap_submit`` freezes the ranking and the timeline as plain JSON (``roadmap_snapshot``), so that later
edits of sheets, scores or the timeline never change what the Collège decided on. ``roadmap_decide``
records or changes a member's decision on the latest version only. Both take their author (``by``), kept
in the history, log ``key=value``, and refuse with a French ``ValidationError``.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from roadmap.models import DecisionChoice, RoadmapDecision, RoadmapVersion
from roadmap.selectors.ranking import mission_ranking
from roadmap.selectors.timeline import mission_timeline
from territoire import access
from territoire.models import Mission

logger = logging.getLogger(__name__)


def roadmap_snapshot(mission) -> dict:
    """The ranked roadmap as plain JSON: ranking rows, classes, timeline placements and budget per year."""
    result = mission_ranking(mission)
    timeline = mission_timeline(mission)
    titles = {row.sheet.code: row.sheet.title for row in timeline.rows}
    planned = timeline.as_dict()
    for placement in planned["placements"]:
        placement["title"] = titles.get(placement["code"], "")
    return {
        "criteria": [{"code": c.code, "label": c.label, "weight": float(c.weight)} for c in result.criteria],
        "class_thresholds": result.thresholds,
        "ranking": [
            {
                "position": r.position,
                "code": r.sheet.code,
                "title": r.sheet.title,
                "total": round(r.total, 2),
                "priority": r.priority,
                "badge": r.badge,
                "stability": str(r.stability),
            }
            for r in result.ranked
        ],
        "not_ranked": [{"code": i.sheet.code, "title": i.sheet.title} for i in result.incomplete],
        "timeline": planned,
    }


@transaction.atomic
def roadmap_submit(*, mission, by, note: str = "") -> RoadmapVersion:
    if not access.can_manage_mission(by, mission):
        raise PermissionDenied
    mission = Mission.objects.select_for_update().get(pk=mission.pk)  # numbers one submission at a time
    snapshot = roadmap_snapshot(mission)
    if not snapshot["ranking"]:
        raise ValidationError(
            _(
                "Aucune fiche n'est classée : cotez les fiches sur chaque critère avant de soumettre "
                "la feuille de route au Collège."
            )
        )
    last = RoadmapVersion.objects.filter(mission=mission).aggregate(last=Max("number"))["last"] or 0
    version = RoadmapVersion(
        mission=mission,
        number=last + 1,
        submitted_by=by,
        submitted_at=timezone.now(),
        note=note.strip(),
        snapshot=snapshot,
    )
    version._history_user = by
    version.save()
    logger.info(
        "roadmap_submitted mission=%s version=%s number=%s ranked=%s by=%s",
        mission.pk,
        version.pk,
        version.number,
        len(snapshot["ranking"]),
        by.pk,
    )
    return version


def latest_version(mission) -> RoadmapVersion | None:
    return RoadmapVersion.objects.filter(mission=mission).order_by("-number").first()


@transaction.atomic
def roadmap_decide(*, version, by, decision: str, comment: str = "") -> RoadmapDecision:
    if not access.can_validate_roadmap(by, version.mission):
        raise PermissionDenied
    if decision not in DecisionChoice.values:
        raise ValidationError({"decision": _("Choisissez « Validée » ou « À revoir ».")})
    comment = comment.strip()
    if decision == DecisionChoice.TO_REVISE and not comment:
        raise ValidationError(
            {"comment": _("Dites ce qui est à revoir, pour que les consultants puissent s'y atteler.")}
        )
    latest = latest_version(version.mission)
    if latest.pk != version.pk:
        raise ValidationError(
            _(
                "La version %(number)s a été remplacée par la version %(latest)s : "
                "décidez sur la dernière version soumise."
            )
            % {"number": version.number, "latest": latest.number}
        )
    now = timezone.now()
    found = RoadmapDecision.objects.select_for_update().filter(version=version, member=by).first()
    if found is None:
        found = RoadmapDecision(version=version, member=by, decision=decision, comment=comment, decided_at=now)
        found._history_user = by
        try:
            with transaction.atomic():
                found.save()
        except IntegrityError:  # the same member decided meanwhile in another tab: update that row
            found = RoadmapDecision.objects.select_for_update().get(version=version, member=by)
            created = False
        else:
            created = True
    else:
        created = False
    if not created:
        found.decision, found.comment, found.decided_at = decision, comment, now
        found._history_user = by
        found.save(update_fields=["decision", "comment", "decided_at", "updated_at"])
    logger.info(
        "roadmap_decided mission=%s version=%s number=%s decision=%s created=%s by=%s",
        version.mission_id,
        version.pk,
        version.number,
        decision,
        created,
        by.pk,
    )
    return found
