"""Demo findings for the demo missions: from the workshop's top-5, some inventory alerts, interviews and
questionnaire questions, linked to PST objectives, with one merged pair.

Idempotent: the demo missions' findings are rebuilt on each run (the workshop they cite is rebuilt too,
see ``diagnostics/demo_fieldwork.py``).
"""

from django.db import transaction

from diagnostics.demo.fieldwork import DEMO_COMMUNES, WORKSHOP_TITLE
from diagnostics.models import Finding, Importance, Interview, Question, SourceKind, Workshop
from diagnostics.selectors.inventory import inventory_alerts
from diagnostics.services import findings as services
from diagnostics.services.findings import SourceRef
from territoire.models import NodeLevel, PSTNode

INTERVIEW_FINDINGS = [
    (
        "Les services échangent encore leurs données par courriel et fichiers Excel",
        "Plusieurs chefs de service décrivent des tableaux recopiés d'un service à l'autre chaque semaine.",
        "administration",
        "technology",
        Importance.HIGH,
    ),
    (
        "Le Collège manque d'indicateurs pour suivre le PST",
        "Les échevins reçoivent l'avancement des actions une fois par an, sans tableau de bord.",
        "governance",
        "institutions",
        Importance.MEDIUM,
    ),
]
# Said again in an interview, already a challenge of the workshop: the demo merges the two.
DUPLICATE = (
    "Les citoyens veulent suivre leurs demandes en ligne",
    "Entendu en entretien avec le service population.",
    "governance",
    "people",
)


def seed(ctx) -> None:
    for code in DEMO_COMMUNES:
        mission = ctx.missions.get(code)
        if mission is not None:
            with transaction.atomic():
                _seed_mission(ctx, mission)


def _seed_mission(ctx, mission) -> None:
    # Merged findings point at the kept one (PROTECT): drop the pointers, then the rows.
    Finding.objects.filter(mission=mission).update(merged_into=None, status=Finding.Status.OPEN)
    Finding.objects.filter(mission=mission).delete()
    by = mission.referents.order_by("pk").first() or ctx.users.get("admin")
    objectives = list(
        PSTNode.objects.for_commune(mission.commune)
        .filter(level__in=[NodeLevel.OS, NodeLevel.OO])
        .order_by("pst", "position")
    )

    def objective(i):
        return [objectives[i % len(objectives)]] if objectives else []

    made = []
    workshop = Workshop.objects.filter(mission=mission, title=WORKSHOP_TITLE).first()
    if workshop:
        services.findings_from_workshop(workshop=workshop, by=by)
        made += list(Finding.objects.filter(mission=mission, sources__card__workshop=workshop).order_by("pk"))
    for alert in inventory_alerts(mission.commune)[:3]:
        made.append(
            services.finding_create(
                mission=mission,
                by=by,
                statement=alert.message[:300],
                theme="administration",
                dimension="technology",
                importance=Importance.HIGH if alert.severity == "high" else Importance.MEDIUM,
                sources=[SourceRef(SourceKind.ALERT, key=alert.key)],
            )
        )
    interviews = list(Interview.objects.filter(mission=mission).done().order_by("scheduled_at")[:2])
    for interview, (statement, description, theme, dimension, importance) in zip(
        interviews, INTERVIEW_FINDINGS, strict=False
    ):
        made.append(
            services.finding_create(
                mission=mission,
                by=by,
                statement=statement,
                description=description,
                theme=theme,
                dimension=dimension,
                importance=importance,
                sources=[SourceRef(SourceKind.INTERVIEW, interview)],
            )
        )
    questions = list(
        Question.objects.filter(questionnaire__mission=mission, counts_for_maturity=True)
        .exclude(theme="")
        .order_by("questionnaire", "section__position", "position")[:2]
    )
    for question in questions:
        made.append(
            services.finding_create(
                mission=mission,
                by=by,
                statement=f"Maturité faible : {question.text}"[:300],
                theme=question.theme,
                dimension=question.dimension,
                importance=Importance.MEDIUM,
                sources=[SourceRef(SourceKind.QUESTION, question)],
            )
        )
    for i, finding in enumerate(made):
        if i % 3 != 2:  # most findings call for a PST objective, not all
            finding.objectives.set(objective(i))
    if made and interviews:
        statement, description, theme, dimension = DUPLICATE
        duplicate = services.finding_create(
            mission=mission,
            by=by,
            statement=statement,
            description=description,
            theme=theme,
            dimension=dimension,
            sources=[SourceRef(SourceKind.INTERVIEW, interviews[0])],
            objectives=objective(1),
        )
        services.finding_merge(findings=[made[0], duplicate], keep=made[0], by=by)
