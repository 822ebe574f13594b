"""The large roadmap demo: one benchmark mission with 150 sheets × 8 criteria × 4 consultants, all scored and
submitted — the size the ranking page, ``roadmap_rank`` and the timeline are measured at.

Written with plain ``bulk_create`` (no history rows: nobody reads the history of benchmark data, and
``bulk_create_with_history`` would double the rows written). Idempotent without deleting anything: sheets
are keyed by their code, scores, submissions and prerequisites by their unique constraints
(``ignore_conflicts``); lines are written only for the sheets this run created.
"""

import logging
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from roadmap.models import (
    BudgetLine,
    Criterion,
    FundingCall,
    FundingLine,
    ProjectSheet,
    Score,
    ScoringSubmission,
    SheetStatus,
)
from roadmap.services import criteria as criteria_services
from territoire.models import Membership, Role

logger = logging.getLogger(__name__)

COMMUNE = "90001"  # the second benchmark commune of ``territoire.demo._seed_large`` (the first has the big PST)
SHEETS, CONSULTANTS = 150, 4
THEMES = ("administration", "mobility", "governance", "energy", "environment", "living", "economy")
SUBJECTS = (
    "E-guichet",
    "Parking vélo connecté",
    "Plateforme participative",
    "Portail open data",
    "Éclairage intelligent",
    "GED",
    "Wi-Fi public",
    "Formation numérique",
    "Capteurs environnementaux",
    "Application mobilité",
)


@transaction.atomic
def seed(ctx) -> None:
    mission = ctx.missions.get(COMMUNE)
    lead = ctx.users.get("claire.dubois")
    if mission is None or lead is None:
        return
    consultants = [lead, *_extra_consultants(mission, ctx.users["claire.dubois"].password, CONSULTANTS - 1)]
    mission.referents.add(*consultants)
    criteria_services.criteria_create_defaults(
        mission=mission, by=lead, optional=list(criteria_services.OPTIONAL_CRITERIA)
    )
    criteria = list(Criterion.objects.for_mission(mission))
    sheets = _sheets(mission)
    rng = random.Random(f"roadmap-large-{mission.pk}")
    Score.objects.bulk_create(
        (
            Score(sheet=sheet, criterion=criterion, consultant=consultant, value=rng.randint(1, 5))
            for sheet in sheets
            for criterion in criteria
            for consultant in consultants
        ),
        batch_size=2000,
        ignore_conflicts=True,
    )
    Through = ProjectSheet.prerequisites.through
    Through.objects.bulk_create(
        [
            Through(from_projectsheet_id=sheets[i].pk, to_projectsheet_id=sheets[i - 1].pk)
            for i in range(1, len(sheets), 5)
        ],
        ignore_conflicts=True,
    )
    ScoringSubmission.objects.bulk_create(
        [ScoringSubmission(mission=mission, consultant=c) for c in consultants], ignore_conflicts=True
    )
    logger.info(
        "demo_roadmap_large_seeded mission=%s sheets=%s criteria=%s consultants=%s",
        mission.pk,
        len(sheets),
        len(criteria),
        len(consultants),
    )


def _extra_consultants(mission, password_hash, count) -> list:
    User = get_user_model()
    usernames = [f"consultant{COMMUNE}-{k}" for k in range(1, count + 1)]
    known = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    User.objects.bulk_create(
        [
            User(username=u, password=password_hash, first_name="Consultant", last_name=u.rsplit("-", 1)[1])
            for u in usernames
            if u not in known
        ]
    )
    users = list(User.objects.filter(username__in=usernames).order_by("username"))
    Membership.objects.bulk_create(
        [Membership(user=u, commune=mission.commune, role=Role.CONSULTANT) for u in users], ignore_conflicts=True
    )
    return users


def _sheets(mission) -> list[ProjectSheet]:
    codes = [f"FP-{i:03d}" for i in range(1, SHEETS + 1)]
    known = set(ProjectSheet.objects.filter(mission=mission, code__in=codes).values_list("code", flat=True))
    new = [
        ProjectSheet(
            mission=mission,
            code=code,
            title=f"{SUBJECTS[i % len(SUBJECTS)]} — lot {i // len(SUBJECTS) + 1}",
            theme=THEMES[i % len(THEMES)],
            dimension="technology",
            status=SheetStatus.RETAINED if i % 10 == 0 else SheetStatus.PROPOSED,
            duration_months=3 + i % 22,
            fte_internal=Decimal("0.1") * (1 + i % 8),
            fte_external=Decimal("0.1") * (i % 5),
        )
        for i, code in enumerate(codes)
        if code not in known
    ]
    ProjectSheet.objects.bulk_create(new)
    created = {s.code for s in new}
    sheets = list(ProjectSheet.objects.filter(mission=mission, code__in=codes).order_by("code"))
    _lines([s for s in sheets if s.code in created])
    return sheets


def _lines(sheets) -> None:
    year = timezone.localdate().year
    call = FundingCall.objects.filter(name="Plan de relance — transition numérique des pouvoirs locaux").first()
    budget, funding = [], []
    for n, sheet in enumerate(sheets):
        investment = Decimal(5_000 + (n * 7_919) % 240_000)
        budget += [
            BudgetLine(
                sheet=sheet, label="Investissement", category="development", kind="investment", amount=investment,
                year=year + 1 + n % 4, position=1,
            ),
            BudgetLine(
                sheet=sheet, label="Fonctionnement", category="licences", kind="running",
                amount=(investment / 10).quantize(Decimal("1")), year=year + 2 + n % 4, position=2,
            ),
        ]  # fmt: skip
        if call is not None and n % 3 == 0:
            funding.append(FundingLine(sheet=sheet, source="call", call=call, position=1))
    BudgetLine.objects.bulk_create(budget)
    FundingLine.objects.bulk_create(funding)
