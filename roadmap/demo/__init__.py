"""Demo data of the roadmap, called by ``seed_demo`` after ``diagnostics.demo`` (see ``territoire.demo``).

The missions in the roadmap phase get fourteen project sheets made from their findings, scored by two
referent consultants (Claire Dubois leads, Thomas Leroy seconds) with one disagreement and its consensus
(``sheets``, ``scoring``), a four-year planning with a yearly envelope of 150 000 € and 1,5 internal FTE
(``_seed_timeline``), and the final report rendered once and handed to the Collège (``report``: a few seconds for
this small mission, so that a Collège member of the demo has a report to download). With ``--size large`` a
benchmark mission gets 150 sheets × 8 criteria × 4 consultants, in bulk (``large``).
"""

import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from roadmap.demo import large, report, scoring, sheets
from roadmap.services import timeline as timeline_services
from territoire.models import Membership, Mission, Role

logger = logging.getLogger(__name__)

LEAD, SECOND = "claire.dubois", "thomas.leroy"


def seed(ctx) -> None:
    lead, second = ctx.users.get(LEAD), ctx.users.get(SECOND)
    if lead is not None and second is not None:
        for mission in ctx.missions.values():
            if mission is not None and mission.phase == Mission.Phase.ROADMAP:
                with transaction.atomic():
                    _seed_mission(mission, lead, second)
                report.seed(mission, by=lead)
    if ctx.size == "large":
        large.seed(ctx)


def _seed_mission(mission, lead, second) -> None:
    for consultant in (lead, second):
        Membership.objects.update_or_create(
            user=consultant, commune=mission.commune, defaults={"role": Role.CONSULTANT}
        )
    mission.referents.add(lead, second)
    sheets.clear(mission)
    made = sheets.seed(mission, by=lead)
    scoring.seed(mission, made, lead=lead, second=second)
    _seed_timeline(mission, lead)
    logger.info("demo_roadmap_seeded mission=%s sheets=%s", mission.pk, len(made))


def _seed_timeline(mission, by) -> None:
    """Plan the retained sheets from next year on: 150 000 € of net cost and 1,5 internal FTE a year."""
    first = timezone.localdate().year + 1
    timeline_services.timeline_settings_update(
        mission=mission, by=by, start_year=first, start_quarter=1, years=4, fte_capacity=Decimal("1.5")
    )
    for year in range(first, first + 4):
        timeline_services.envelope_set(mission=mission, by=by, year=year, amount=Decimal("150000"))
