"""Demo data of the implementation follow-up of the e-guichet project (see ``projects.demo``).

Dates are counted from the day of the seeding so that the demo always tells the same story: three milestones
reached, the test phase 12 days late (health « risque » with that reason), the launch slipped by 15 days;
commitments and invoices on two of the sheet's budget lines, within what is committed; the sheet's two
indicators with their measurements; risks, a user group with its feedback, a communication plan and decisions.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from projects.forms.implementation import parse_target
from projects.models import (
    Channel,
    Commitment,
    CommunicationAction,
    Feedback,
    Measurement,
    Milestone,
    Participant,
    ProjectDecision,
    ProjectIndicator,
    Risk,
    RiskStatus,
    Severity,
    Spending,
)

# (label, owner, baseline, current, done) in days from today
MILESTONES = [
    ("Réunion des parties prenantes", "Julien Renard", -120, -120, -118),
    ("CSC de l'application publié", "Claire Dubois", -90, -85, -80),
    ("Attribution du marché", "Julien Renard", -60, -55, -50),
    ("Phase de test avec les agents", "Service population", -20, -12, None),
    ("Mise en ligne", "Julien Renard", 30, 45, None),
    ("Évaluation à six mois", "Claire Dubois", 210, 210, None),
]
# (budget line label, amount, days, supplier, reference)
COMMITMENTS = [
    ("Licence et paramétrage de l'e-guichet", "36500", -48, "Numérik SRL", "BC-2026-014"),
    ("Intégration avec le logiciel population", "12800", -45, "Numérik SRL", "BC-2026-015"),
]
# (budget line label, amount, days, invoice)
SPENDINGS = [
    ("Licence et paramétrage de l'e-guichet", "18250", -30, "FAC-2026-0102"),
    ("Intégration avec le logiciel population", "6400", -10, "FAC-2026-0131"),
]
# sheet indicator → [(days, value, note)]
MEASUREMENTS = {
    "Démarches faites en ligne": [
        (-90, "5", "Avant la mise en ligne"),
        (-60, "9", ""),
        (-30, "14", ""),
        (-5, "18", ""),
    ],
    "Temps d'attente au guichet": [(-60, "0", "Mesure de départ"), (-30, "-6", ""), (-5, "-11", "")],
}
RISKS = [
    (
        "Connexion au registre national retardée",
        3,
        5,
        "Julien Renard",
        "Demande d'accès introduite dès l'attribution.",
        RiskStatus.TREATED,
    ),
    (
        "Agents peu disponibles pendant la phase de test",
        4,
        3,
        "Service population",
        "Plages réservées au planning.",
        RiskStatus.OPEN,
    ),
    ("Paiement en ligne refusé par la banque", 1, 4, "Service finances", "", RiskStatus.CONTROLLED),
]
PARTICIPANTS = [
    ("Sophie Lambert", "Agente état civil", "Agents"),
    ("Marc Dethier", "Agent population", "Agents"),
    ("Nadia Benali", "Citoyenne", "Citoyens"),
    ("Paul Gérard", "Animateur EPN", "EPN"),
]
# (participant, days, severity, text)
FEEDBACK = [
    (
        "Sophie Lambert",
        -9,
        Severity.MAJOR,
        "Le formulaire d'acte de naissance ne reprend pas la commune de naissance.",
    ),
    ("Nadia Benali", -8, Severity.MINOR, "Le bouton « Payer » est difficile à trouver sur mobile."),
    (
        "Paul Gérard",
        -6,
        Severity.BLOCKING,
        "Les personnes sans carte d'identité électronique ne peuvent pas se connecter.",
    ),
]
COMMUNICATION = [
    ("Annonce dans le bulletin communal", "Citoyens", Channel.BULLETIN, 20, False),
    ("Présentation aux agents de l'accueil", "Personnel communal", Channel.MEETING, -15, True),
    ("Publication sur la page Facebook", "Citoyens", Channel.SOCIAL, 45, False),
    ("Atelier d'aide aux démarches à l'EPN", "Citoyens éloignés du numérique", Channel.OTHER, 60, False),
]
DECISIONS = [
    (
        -118,
        "Lancer le projet avec le service population comme pilote.",
        "Comité de pilotage",
        "Réunion des parties prenantes.",
    ),
    (
        -50,
        "Attribuer le marché à Numérik SRL.",
        "Collège communal",
        "Rapport d'attribution : l'offre la mieux classée sur trois.",
    ),
]
TEST_DECISION = (
    "Paul Gérard",
    -4,
    "Ajouter la connexion par itsme avant la mise en ligne ; la mise en ligne glisse de 15 jours.",
    "Comité de pilotage",
)


def seed(project, ctx) -> None:
    today = timezone.localdate()

    def day(offset):
        return today + timedelta(days=offset)

    Milestone.objects.bulk_create(
        Milestone(
            project=project,
            label=label,
            owner=owner,
            baseline_date=day(baseline),
            current_date=day(current),
            done_date=None if done is None else day(done),
        )
        for label, owner, baseline, current, done in MILESTONES
    )
    lines = {line.label: line for line in project.sheet.budget_lines.all()}
    Commitment.objects.bulk_create(
        Commitment(
            project=project, budget_line=lines[label], amount=Decimal(amount), date=day(d), supplier=s, reference=r
        )
        for label, amount, d, s, r in COMMITMENTS
        if label in lines
    )
    Spending.objects.bulk_create(
        Spending(project=project, budget_line=lines[label], amount=Decimal(amount), date=day(d), invoice_ref=ref)
        for label, amount, d, ref in SPENDINGS
        if label in lines
    )
    for source in project.sheet.indicators.all():
        indicator = ProjectIndicator.objects.create(
            project=project,
            sheet_indicator=source,
            label=source.indicator,
            unit=source.unit,
            target=parse_target(source.target),
        )
        Measurement.objects.bulk_create(
            Measurement(indicator=indicator, date=day(d), value=Decimal(value), note=note)
            for d, value, note in MEASUREMENTS.get(source.indicator, [])
        )
    Risk.objects.bulk_create(
        Risk(project=project, description=d, probability=p, impact=i, owner=o, mitigation=m, status=s)
        for d, p, i, o, m, s in RISKS
    )
    participants = {
        p.name: p
        for p in Participant.objects.bulk_create(
            Participant(project=project, name=name, function=function, group=group)
            for name, function, group in PARTICIPANTS
        )
    }
    feedback = {
        f.participant.name: f
        for f in Feedback.objects.bulk_create(
            Feedback(project=project, participant=participants[name], date=day(d), severity=severity, text=text)
            for name, d, severity, text in FEEDBACK
        )
    }
    CommunicationAction.objects.bulk_create(
        CommunicationAction(project=project, action=a, audience=au, channel=c, date=day(d), done=done)
        for a, au, c, d, done in COMMUNICATION
    )
    recorder = project.consultant
    name, d, decision, by = TEST_DECISION
    ProjectDecision.objects.bulk_create(
        [
            *(
                ProjectDecision(
                    project=project, date=day(d), decision=text, decided_by=by, context=context, recorded_by=recorder
                )
                for d, text, by, context in DECISIONS
            ),
            ProjectDecision(
                project=project,
                date=day(d),
                decision=decision,
                decided_by=by,
                context=feedback[name].text,
                feedback=feedback[name],
                recorded_by=recorder,
            ),
        ]
    )
