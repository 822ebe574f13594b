"""Demo data of the AMO follow-up, called by ``seed_demo`` after ``roadmap.demo`` (see ``territoire.demo``).

The e-guichet sheet that the Sambrevaux roadmap retained becomes a followed project led by the commune's smart
city manager (Julien Renard) with Claire Dubois as referent consultant. Each part of the follow-up (phases,
specifications and procurement, implementation) adds its own demo data through a module listed in ``PARTS``,
each with ``seed(project, ctx)``.
"""

from django.db import transaction

from projects.demo import implementation, phases, procurement
from projects.models import FollowedProject
from roadmap.models import ProjectSheet, SheetStatus
from territoire.models import Mission

DEMO_SHEET_TITLE = "E-guichet : démarches et paiements en ligne"
LEADER, CONSULTANT = "julien.renard", "claire.dubois"

PARTS = [phases, procurement, implementation]


def seed(ctx) -> None:
    for mission in ctx.missions.values():
        if mission is None or mission.phase != Mission.Phase.ROADMAP:
            continue
        sheet = ProjectSheet.objects.filter(
            mission=mission, status=SheetStatus.RETAINED, title=DEMO_SHEET_TITLE
        ).first()
        if sheet is None:
            continue
        with transaction.atomic():
            project, created = FollowedProject.objects.get_or_create(
                sheet=sheet,
                defaults={
                    "mission": mission,
                    "title": sheet.title,
                    "leader": ctx.users.get(LEADER),
                    "consultant": ctx.users.get(CONSULTANT),
                },
            )
            if created:
                for part in PARTS:
                    part.seed(project, ctx)
