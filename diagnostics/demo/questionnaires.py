"""Demo data of the diagnostic: the maturity questionnaire, two campaigns with answers per mission.

With ``--size large`` one mission also gets a 60-question survey with about 3 000 submitted
responses, written with ``bulk_create`` (the data the results benchmark reads). Idempotent: a
questionnaire or campaign that already exists (same mission and title) is left as it is.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from diagnostics.models import (
    Answer,
    AnswerItem,
    Audience,
    Campaign,
    Choice,
    Invitation,
    Question,
    Questionnaire,
    QuestionType,
    Response,
    Section,
)
from diagnostics.services import questionnaires as services
from diagnostics.services.results import result_tally_rebuild

SERVICES = ["Direction générale", "Travaux", "Finances", "Population", "Urbanisme", "Informatique"]
IDEAS = [
    "Un guichet en ligne pour toutes les démarches.",
    "Des capteurs pour suivre la qualité de l'air près des écoles.",
    "Un parking vélo sécurisé à la gare.",
    "Partager les données entre services au lieu de tout encoder deux fois.",
    "Une application pour signaler les problèmes de voirie.",
    "Former les agents aux outils collaboratifs.",
    "Suivre la consommation d'énergie des bâtiments communaux.",
    "Un site internet plus simple, lisible sur téléphone.",
]
WORDS = ["Proche", "Connectée", "Durable", "Efficace", "Participative", "Ouverte"]
# Each audience leans a little differently: the gaps show in the comparison.
BIAS = {Audience.COLLEGE: 0.7, Audience.STAFF: 0.45, Audience.CITIZENS: 0.35}
LARGE_TITLE = "Grande enquête territoire intelligent"


def seed(ctx) -> None:
    with transaction.atomic():
        for code in ("61099", "92999"):
            if code in ctx.missions:
                _seed_mission(ctx, ctx.missions[code], seed=int(code))
    if ctx.size == "large" and "92999" in ctx.missions:
        _seed_large(ctx.missions["92999"], ctx.users.get("claire.dubois"))


def _seed_mission(ctx, mission, *, seed: int) -> None:
    consultant = mission.referents.first() or ctx.users["admin"]
    questionnaire = Questionnaire.objects.filter(mission=mission, builtin_key="maturity").first()
    if questionnaire is None:
        questionnaire = services.questionnaire_load_builtin(mission=mission, by=consultant, key="maturity")
    now = timezone.now()
    for audience, title, count in (
        # A Collège of seven (bourgmestre, five échevins, président du CPAS): five answered, above the
        # anonymity threshold, so the demo shows the comparison of audiences.
        (Audience.COLLEGE, "Autodiagnostic — Collège communal", 7),
        (Audience.STAFF, "Autodiagnostic — personnel communal", 24),
    ):
        if Campaign.objects.filter(mission=mission, title=title).exists():
            continue
        campaign = Campaign.objects.create(
            mission=mission,
            questionnaire=questionnaire,
            title=title,
            audience=audience,
            opens_at=now - timedelta(days=10),
            closes_at=now + timedelta(days=11),
            intro="Merci de prendre un quart d'heure pour nous donner votre regard sur la commune et le numérique.",
        )
        invitations = Invitation.objects.bulk_create(
            [
                Invitation(
                    campaign=campaign,
                    email=f"{audience}{n}@demo.territoire.localhost",
                    name=f"Répondant {n}",
                    service=SERVICES[n % len(SERVICES)] if audience == Audience.STAFF else "",
                    sent_at=now - timedelta(days=10),
                )
                for n in range(count + 4)
            ]
        )
        rng = random.Random(f"{seed}-{audience}")
        _respond(campaign, invitations[:count], rng, submitted=count - 2)


def _questions(questionnaire):
    return list(
        Question.objects.filter(questionnaire=questionnaire)
        .prefetch_related("choices")
        .order_by("section__position", "position")
    )


def _respond(campaign, invitations, rng, *, submitted: int, count: int | None = None) -> None:
    """Create responses (one per invitation, or ``count`` anonymous ones) with plausible answers."""
    questions = _questions(campaign.questionnaire)
    now = timezone.now()
    bias = BIAS.get(campaign.audience, 0.5)
    people = invitations or [None] * (count or 0)
    responses = Response.objects.bulk_create(
        [
            Response(
                campaign=campaign,
                invitation=invitation,
                service=invitation.service if invitation else "",
                started_at=now - timedelta(days=rng.randint(1, 9)),
                submitted_at=now - timedelta(hours=rng.randint(1, 200)) if n < submitted else None,
                last_section=1,
            )
            for n, invitation in enumerate(people)
        ],
        batch_size=1000,
    )
    answers, pending_items = [], []
    for n, response in enumerate(responses):
        # People who have not submitted stopped somewhere in the middle.
        upto = len(questions) if n < submitted else rng.randint(1, max(1, len(questions) // 2))
        lean = min(0.95, max(0.05, rng.gauss(bias, 0.15)))
        for question in questions[:upto]:
            answer, items = _answer(response, question, rng, lean)
            if answer is not None:
                answers.append(answer)
                pending_items.append(items)
    created = Answer.objects.bulk_create(answers, batch_size=2000)
    AnswerItem.objects.bulk_create(
        [
            AnswerItem(answer=answer, question_id=answer.question_id, **item)
            for answer, items in zip(created, pending_items, strict=True)
            for item in items
        ],
        batch_size=4000,
    )
    result_tally_rebuild(campaign_ids=[campaign.pk])  # written in bulk: counted once, at the end


def _scale(rng, lean: float, low: int, high: int) -> int:
    return max(low, min(high, round(low + (high - low) * rng.betavariate(1 + 4 * lean, 1 + 4 * (1 - lean)))))


def _answer(response, question, rng, lean):
    kind, maturity = question.type, question.counts_for_maturity
    choices = list(question.choices.all())
    if rng.random() < 0.04 and not question.required:
        return None, []  # some questions are skipped
    base = {"response": response, "question": question}
    if kind == QuestionType.LIKERT:
        v = _scale(rng, lean, 1, 5)
        return Answer(**base, value=v, number=v, score=Decimal((v - 1) * 25) if maturity else None), []
    if kind == QuestionType.RATING:
        v = _scale(rng, lean, 0, 10)
        return Answer(**base, value=v, number=v, score=Decimal(v * 10) if maturity else None), []
    if kind == QuestionType.YES_NO:
        yes = rng.random() < lean
        return Answer(**base, value=yes, number=int(yes), score=Decimal(100 * yes) if maturity else None), []
    if kind == QuestionType.NUMBER:
        v = Decimal(rng.randint(0, 40))
        return Answer(**base, value=str(v), number=v), []
    if kind == QuestionType.SINGLE:
        choice = rng.choice(choices)
        other = "Les panneaux d'affichage" if choice.is_other else ""
        return Answer(**base, value={"choice": choice.pk, "other": other}, choice=choice, text=other), []
    if kind == QuestionType.MULTIPLE:
        picked = sorted({c.pk for c in rng.sample(choices, rng.randint(1, min(3, len(choices))))})
        return Answer(**base, value={"choices": picked, "other": ""}), [{"choice_id": c} for c in picked]
    if kind == QuestionType.RANKING:
        order = [c.pk for c in rng.sample(choices, len(choices))]
        return Answer(**base, value=order), [{"choice_id": c, "rank": r} for r, c in enumerate(order, 1)]
    if kind == QuestionType.MATRIX:
        cells = {i: _scale(rng, lean, 1, 5) for i in range(len(question.rows))}
        score = Decimal(round(sum((v - 1) * 25 for v in cells.values()) / len(cells), 2)) if maturity else None
        return (
            Answer(**base, value={str(k): v for k, v in cells.items()}, score=score),
            [{"row": k, "rank": v} for k, v in cells.items()],
        )
    if kind == QuestionType.LONG_TEXT:
        if rng.random() < 0.5:
            return None, []
        text = rng.choice(IDEAS)
        return Answer(**base, value=text, text=text), []
    text = rng.choice(WORDS)
    return Answer(**base, value=text, text=text), []


def _seed_large(mission, consultant) -> None:
    """About 3 000 submitted responses × 60 questions in one mission, for the benchmarks."""
    if Campaign.objects.filter(mission=mission, title__startswith=LARGE_TITLE).exists():
        return
    with transaction.atomic():
        questionnaire = Questionnaire.objects.create(mission=mission, title=LARGE_TITLE)
        kinds = [
            QuestionType.LIKERT,
            QuestionType.LIKERT,
            QuestionType.RATING,
            QuestionType.SINGLE,
            QuestionType.YES_NO,
            QuestionType.MULTIPLE,
            QuestionType.LIKERT,
            QuestionType.NUMBER,
            QuestionType.MATRIX,
            QuestionType.SHORT_TEXT,
        ]
        dimensions = ["technology", "people", "institutions"]
        themes = ["mobility", "governance", "energy", "environment", "economy", "living", "administration"]
        for s in range(6):
            section = Section.objects.create(questionnaire=questionnaire, title=f"Partie {s + 1}", position=s + 1)
            for p in range(10):
                n = s * 10 + p
                kind = kinds[p]
                question = Question.objects.create(
                    questionnaire=questionnaire,
                    section=section,
                    position=p + 1,
                    type=kind,
                    text=f"Question {n + 1} : {kind.label.lower()} sur le thème {themes[n % 7]}",
                    dimension=dimensions[n % 3],
                    theme=themes[n % 7],
                    counts_for_maturity=kind in (QuestionType.LIKERT, QuestionType.RATING, QuestionType.YES_NO),
                    config={"rows": ["Ligne A", "Ligne B", "Ligne C"]} if kind == QuestionType.MATRIX else {},
                )
                if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
                    Choice.objects.bulk_create(
                        [Choice(question=question, label=f"Option {c + 1}", position=c + 1) for c in range(5)]
                    )
        now = timezone.now()
        for audience, count in ((Audience.STAFF, 1000), (Audience.CITIZENS, 2000)):
            campaign = Campaign.objects.create(
                mission=mission,
                questionnaire=questionnaire,
                title=f"{LARGE_TITLE} — {audience.label}",
                audience=audience,
                opens_at=now - timedelta(days=20),
                closes_at=now + timedelta(days=20),
            )
            _respond(campaign, [], random.Random(f"large-{audience}"), submitted=count, count=count)
