"""Demo CSC and procurement of the e-guichet: a CSC drafted from the sheet with a few requirements of our own
and weighted criteria, then a services contract with three offers, evaluated by the consultant and the
project leader, and awarded to the best-ranked one. Called once, when the project is created."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from projects.models import EvaluationScore, Priority
from projects.services import procurement as procurement_services
from projects.services import specifications as services

CONSULTANT, LEADER = "claire.dubois", "julien.renard"

REQUIREMENTS = [
    ("Les citoyens introduisent leurs demandes de documents en ligne, avec ou sans itsme®.", Priority.MUST),
    ("Le paiement en ligne (Bancontact, Payconiq) est intégré à la démarche.", Priority.MUST),
    ("Le citoyen suit l’état de sa demande et reçoit une notification à chaque étape.", Priority.SHOULD),
    ("Les agents traitent les demandes depuis un tableau de bord par service.", Priority.MUST),
    ("Un formulaire se crée sans développement (éditeur visuel).", Priority.COULD),
]

# (provider, price excl. VAT, points of the consultant and of the leader on each quality criterion)
OFFERS = [
    ("Guichet Wallon SRL", Decimal("61800"), [(26, 24), (8, 9)]),
    ("CiviTech SA", Decimal("54900"), [(20, 21), (6, 7)]),
    ("Demarches.be SC", Decimal("72400"), [(28, 29), (9, 8)]),
]


def _at(*args):
    return datetime(*args, tzinfo=timezone.get_current_timezone())


def seed(project, ctx) -> None:
    consultant, leader = ctx.users.get(CONSULTANT), ctx.users.get(LEADER)
    if consultant is None:
        return
    specification = services.specification_create(
        project=project, title="Cahier spécial des charges — guichet électronique", by=consultant
    )
    services.specification_draft_from_sheet(specification=specification, by=consultant)
    for text, priority in REQUIREMENTS:
        services.requirement_add(
            specification=specification, section="functional", text=text, priority=priority, by=consultant
        )
    sections = {section.kind: section for section in specification.sections.all()}
    texts = {
        "functional": "Les exigences obligatoires doivent toutes être rencontrées ; une offre qui n’en rencontre "
        "pas une est irrégulière.",
        "technical": "La solution s’intègre au système d’information de la commune sans dépendance exclusive.",
        "lots": "Le marché est divisé en lots ; un soumissionnaire peut remettre offre pour un ou plusieurs lots.",
        "award": "L’offre économiquement la plus avantageuse est déterminée sur la base des critères suivants.",
        "duration": "Le marché est conclu pour une durée de 4 ans à compter de la notification.",
        "selection": (
            "Capacité technique : trois références de guichets électroniques communaux au cours des trois "
            "dernières années."
        ),
        "administrative": (
            "Le marché est régi par la loi du 17 juin 2016 relative aux marchés publics et l’arrêté royal "
            "du 14 janvier 2013 établissant les règles générales d’exécution."
        ),
    }
    for kind, text in texts.items():
        services.section_update(section=sections[kind], body=text, by=consultant)
    price, quality = specification.criteria.order_by("position")
    quality.label, quality.weight = "Qualité fonctionnelle de la solution", Decimal(30)
    quality.save(update_fields=["label", "weight"])
    delay = specification.criteria.create(label="Délai de mise en œuvre", kind="quality", weight=10, position=3)
    services.specification_set_status(specification=specification, status="final", by=consultant)

    lot = specification.lots.order_by("number").first()
    procurement = procurement_services.procurement_save(
        project=project,
        fields={
            "title": "Guichet électronique (application)",
            "specification": specification,
            "lot": lot,
            "nature": "services",
            "estimated_amount": lot.estimated_amount if lot else Decimal("65000"),
            "planned_launch": date(2026, 2, 2),
        },
        by=consultant,
    )
    procurement_services.procurement_choose_procedure(
        procurement=procurement,
        procedure="negotiated_without",
        justification="Montant estimé sous le seuil de 140 000 € HTVA ; trois opérateurs consultés.",
        by=consultant,
    )
    procurement_services.procurement_set_timeline(
        procurement=procurement,
        dates={
            "launch_date": date(2026, 2, 2),
            "questions_deadline": date(2026, 2, 16),
            "offers_deadline": _at(2026, 3, 2, 12, 0),
            "opening_date": date(2026, 3, 2),
            "award_date": date(2026, 3, 23),
            "notification_date": date(2026, 3, 30),
        },
        by=consultant,
    )
    offers = []
    for day, (provider, amount, points) in enumerate(OFFERS, start=23):
        procurement_services.provider_add(
            procurement=procurement, fields={"name": provider, "consulted_on": date(2026, 2, 2)}, by=consultant
        )
        offer = procurement_services.offer_add(
            procurement=procurement, provider=provider, received_at=_at(2026, 2, day, 10), price=amount, by=consultant
        )
        offers.append((offer, points))
    for index, evaluator in enumerate(user for user in (consultant, leader) if user is not None):
        EvaluationScore.objects.bulk_create(
            EvaluationScore(offer=offer, criterion=criterion, evaluator=evaluator, points=pair[index])
            for offer, points in offers
            for criterion, pair in zip((quality, delay), points, strict=True)
        )
    from projects.selectors.procurement import evaluate

    best = evaluate(procurement).best
    procurement_services.procurement_award(procurement=procurement, offer=best.offer, justification="", by=consultant)
