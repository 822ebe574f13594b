"""Demo data of the diagnostic's fieldwork: interviews, a workshop, the inventory, initiatives.

For the demo communes Val-d'Ourthe (61099) and Sambrevaux (92999). Idempotent: tools and
initiatives are matched by name (their ids stay, so alert keys stay); the demo's interviews and
workshop are rebuilt identically on each run.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from diagnostics.models import (
    CardVote,
    ChallengeCard,
    DataFlow,
    DigitalSystem,
    FindingSource,
    FunctionCategory,
    Initiative,
    Interview,
    Interviewee,
    InterviewTarget,
    PlannedNeed,
    Workshop,
)
from diagnostics.services import workshops as services_workshops
from diagnostics.services.interviews import guide_ensure_builtin
from territoire.models import Membership

F = FunctionCategory
DEMO_COMMUNES = ("61099", "92999")
WORKSHOP_TITLE = "Midi du Smart — les défis de la commune"

# name, category, vendor, services, yearly cost, contract end (days from today), hosting, personal data, API
SYSTEMS = [
    ("Site communal", F.WEBSITE, "Agence Web Mosane", "Communication", "3200", 200, "cloud", False, False),
    ("E-guichet iMio", F.EGUICHET, "iMio", "Population, Urbanisme", "2400", None, "intercommunal", True, True),
    ("Saphir Population", F.POPULATION, "Civadis", "Population, État civil", "9800", 700, "on_premise", True, False),
    ("Onyx Finances", F.FINANCE, "Civadis", "Finances, Recette", "12500", 900, "on_premise", True, False),
    ("Tableur des subsides", F.FINANCE, "Microsoft", "Finances", "0", None, "on_premise", False, False),
    ("iA.Délib", F.RECORDS, "iMio", "Secrétariat, Direction générale", "1800", None, "intercommunal", False, True),
    ("Persée RH", F.HR, "Ciger", "Personnel", "6400", 120, "on_premise", True, False),
    (
        "GéoPortail communal",
        F.GIS,
        "Intercommunale GIG",
        "Urbanisme, Travaux",
        "4100",
        None,
        "intercommunal",
        False,
        True,
    ),
    ("Agenda des salles", F.ROOM_BOOKING, "Microsoft", "Accueil", "0", None, "on_premise", True, False),
    ("Betterstreet", F.TICKETING, "Betterstreet", "Travaux, Environnement", "2900", 330, "cloud", True, True),
    ("Lettre d'information", F.COMMUNICATION, "Brevo", "Communication", "600", None, "cloud", True, False),
    ("Patrimoine & travaux", F.ASSETS, "3P", "Travaux", "5200", None, "cloud", False, False),
]
# Tools each demo commune does not have, so that each commune shows a missing foundation.
MISSING = {"61099": {"Betterstreet"}, "92999": {"Site communal"}}
NEEDS = {"61099": ["citizen_reports", "online_payment"], "92999": ["open_data", "online_booking"]}

# source, target, outside party, data, mode, frequency
FLOWS = [
    ("E-guichet iMio", "Saphir Population", "", "Demandes d'actes et de documents", "api", "realtime"),
    (None, "Saphir Population", "Registre national", "Données des habitants", "file", "daily"),
    ("Saphir Population", "Onyx Finances", "", "Adresses des redevables", "manual", "weekly"),
    (None, "Onyx Finances", "BCE", "Données des entreprises", "manual", "adhoc"),
    ("Onyx Finances", "Tableur des subsides", "", "Subsides engagés et liquidés", "manual", "monthly"),
    ("Persée RH", "Onyx Finances", "", "Salaires et charges", "file", "monthly"),
    ("iA.Délib", "Site communal", "", "Décisions du Collège publiées", "manual", "weekly"),
    ("Betterstreet", "GéoPortail communal", "", "Signalements géolocalisés", "api", "realtime"),
    (None, "Betterstreet", "Citoyens", "Signalements de voirie", "api", "realtime"),
    ("Site communal", "Lettre d'information", "", "Actualités", "manual", "weekly"),
    ("E-guichet iMio", None, "Citoyens", "Suivi des demandes", "api", "realtime"),
]

INITIATIVES = [
    (
        "Budget participatif de quartier",
        "participation",
        "governance",
        "Participation citoyenne",
        2023,
        "running",
        "Les habitants proposent et votent des projets pour 50 000 € par an.",
    ),
    (
        "Conseil consultatif des aînés",
        "participation",
        "living",
        "Affaires sociales",
        2019,
        "running",
        "Avis sur la mobilité et l'accessibilité des services.",
    ),
    (
        "Démarches d'état civil en ligne",
        "digital",
        "administration",
        "Population",
        2022,
        "done",
        "Douze démarches disponibles sur l'e-guichet.",
    ),
    (
        "Capteurs de fréquentation des parkings",
        "digital",
        "mobility",
        "Mobilité",
        2025,
        "planned",
        "Projet pilote sur deux parkings du centre.",
    ),
    (
        "Comptage énergétique des bâtiments",
        "digital",
        "energy",
        "Travaux",
        2024,
        "running",
        "Relevés automatiques des compteurs de douze bâtiments communaux.",
    ),
]

# (days from the mission start, hour, status, remote, [(name, function, service, audience, member username)], notes)
INTERVIEWS = [
    (
        2,
        9,
        "done",
        False,
        [("", "", "", "college", "{college}")],
        "# Priorités\n- **Mobilité** du centre et des villages\n- Simplifier les démarches\n\n"
        "Inquiète du coût des licences.",
    ),
    (
        3,
        14,
        "done",
        False,
        [("", "", "", "staff", "{staff}")],
        "# Organisation\n- Les services encodent *deux fois* les adresses\n- Peu de temps pour la formation",
    ),
    (
        4,
        10,
        "done",
        True,
        [
            ("Olivier Masson", "Chef du service finances", "Finances", "staff", None),
            ("Nathalie Roy", "Receveuse régionale", "Finances", "staff", None),
        ],
        "- Le tableur des subsides est tenu à la main\n- **Souhait** : paiement en ligne des redevances",
    ),
    (
        5,
        11,
        "done",
        False,
        [("Bruno Piette", "Chef du service population", "Population", "staff", None)],
        "Files à l'accueil le lundi. Les citoyens ne connaissent pas l'e-guichet.",
    ),
    (
        8,
        9,
        "done",
        False,
        [("Isabelle Herman", "Échevine de la mobilité", "", "college", None)],
        "# Mobilité\n- Parkings saturés les jours de marché\n- Idée : capteurs de fréquentation",
    ),
    (
        9,
        16,
        "done",
        True,
        [
            ("Karim Haddad", "Président", "Comité de quartier du Thier", "civil_society", None),
            ("Lucie Dethier", "Membre", "Comité de quartier du Thier", "civil_society", None),
        ],
        "Demande un canal simple pour signaler les problèmes de voirie.",
    ),
    (
        10,
        10,
        "done",
        False,
        [("Pierre Jacquet", "Directeur", "École communale", "civil_society", None)],
        "Connexion internet insuffisante dans deux implantations.",
    ),
    (15, 9, "planned", False, [("Sarah Wauters", "Conseillère en environnement", "Environnement", "staff", None)], ""),
    (16, 14, "planned", True, [("Thomas Colin", "Gérant", "Association des commerçants", "civil_society", None)], ""),
    (17, 11, "planned", False, [("Hélène Dupont", "Présidente du CPAS", "CPAS", "college", None)], ""),
]

CARDS = [
    ("Signaler un problème de voirie en deux clics", "mobility"),
    ("Payer ses redevances en ligne", "administration"),
    ("Connaître en temps réel les places de parking libres", "mobility"),
    ("Ne plus encoder deux fois la même adresse", "administration"),
    ("Suivre la consommation d'énergie des écoles", "energy"),
    ("Réserver une salle communale depuis le site", "living"),
    ("Un wifi public sur la place du marché", "living"),
    ("Publier les décisions du Collège en données ouvertes", "governance"),
    ("Covoiturage entre villages", "mobility"),
    ("Alerte SMS en cas d'inondation", "environment"),
    ("Former les agents aux outils collaboratifs", "administration"),
    ("Une carte des commerces locaux ouverts", "economy"),
]


def seed(ctx) -> None:
    guide = guide_ensure_builtin()
    for code in DEMO_COMMUNES:
        commune, mission = ctx.communes.get(code), ctx.missions.get(code)
        if commune is None or mission is None:
            continue
        with transaction.atomic():
            systems = _inventory(commune, code)
            _flows(commune, systems)
            _initiatives(commune)
            _interviews(ctx, mission, guide)
            _workshop(mission, seed=int(code), by=mission.referents.order_by("pk").first() or ctx.users["admin"])


def _inventory(commune, code):
    today = timezone.localdate()
    systems = {}
    for name, category, vendor, services, cost, days, hosting, personal, api in SYSTEMS:
        if name in MISSING[code]:
            DigitalSystem.objects.filter(commune=commune, name=name).delete()
            continue
        systems[name], _ = DigitalSystem.objects.update_or_create(
            commune=commune,
            name=name,
            defaults={
                "category": category,
                "vendor": vendor,
                "services": services,
                "yearly_cost": Decimal(cost),
                "contract_end": today + timedelta(days=days) if days is not None else None,
                "hosting": hosting,
                "personal_data": personal,
                "open_standards": api,
            },
        )
    PlannedNeed.objects.filter(commune=commune).exclude(need__in=NEEDS[code]).delete()
    for need in NEEDS[code]:
        PlannedNeed.objects.get_or_create(commune=commune, need=need)
    return systems


def _flows(commune, systems):
    demo = [s.pk for s in systems.values()]
    DataFlow.objects.filter(commune=commune).filter(source__in=demo).delete()
    DataFlow.objects.filter(commune=commune, source__isnull=True, target__in=demo).delete()
    rows = []
    for source, target, outside, data, mode, frequency in FLOWS:
        if (source and source not in systems) or (target and target not in systems):
            continue
        rows.append(
            DataFlow(
                commune=commune,
                source=systems.get(source),
                target=systems.get(target),
                external_party=outside,
                data=data,
                mode=mode,
                frequency=frequency,
            )
        )
    bulk_create_with_history(rows, DataFlow)  # demo rows keep their creation in the history, as typed ones


def _initiatives(commune):
    for title, kind, theme, service, year, status, description in INITIATIVES:
        Initiative.objects.update_or_create(
            commune=commune,
            title=title,
            defaults={
                "kind": kind,
                "theme": theme,
                "service": service,
                "year": year,
                "status": status,
                "description": description,
            },
        )


def _interviews(ctx, mission, guide):
    # Cited interviews cannot be deleted: the demo's citations go first (demo_findings rebuilds them after).
    FindingSource.objects.filter(interview__mission=mission).delete()
    Interview.objects.filter(mission=mission).delete()
    InterviewTarget.objects.update_or_create(mission=mission, defaults={"target": 10})
    members = {
        m.role: m
        for m in Membership.objects.filter(commune=mission.commune_id, role__in=["college", "staff"])
        .select_related("user")
        .order_by("-pk")
    }
    consultant = mission.referents.order_by("pk").first() or ctx.users["admin"]
    tz = timezone.get_current_timezone()
    rows = []
    for days, hour, status, remote, people, notes in INTERVIEWS:
        when = timezone.make_aware(datetime.combine(mission.start_date + timedelta(days=days), time(hour)), tz)
        interview = Interview(
            mission=mission,
            scheduled_at=when,
            location="" if remote else "Maison communale",
            remote=remote,
            interviewer=consultant,
            guide=guide,
            status=status,
            notes=notes,
        )
        rows.append((interview, people))
    bulk_create_with_history([i for i, _ in rows], Interview, default_user=consultant)
    persons = []
    for interview, people in rows:
        for name, function, service, audience, member_key in people:
            member = members.get(member_key.strip("{}")) if member_key else None
            if member is not None:
                name = member.user.get_full_name() or member.user.username
                function, service = member.function, member.service
            persons.append(
                Interviewee(
                    interview=interview,
                    name=name or "Personne à préciser",
                    function=function,
                    service=service,
                    audience=audience,
                    member=member,
                )
            )
    bulk_create_with_history(persons, Interviewee, default_user=consultant)


def _workshop(mission, *, seed: int, by):
    FindingSource.objects.filter(card__workshop__mission=mission, card__workshop__title=WORKSHOP_TITLE).delete()
    Workshop.objects.filter(mission=mission, title=WORKSHOP_TITLE).delete()
    rng = random.Random(seed)
    workshop = Workshop.objects.create(
        mission=mission,
        title=WORKSHOP_TITLE,
        date=timezone.make_aware(
            datetime.combine(mission.start_date + timedelta(days=12), time(12)), timezone.get_current_timezone()
        ),
        location="Salle du conseil communal",
        participant_count=14,
        participants="\n".join(["Agents des services", "Membres du Collège", "Comité de quartier", "Commerçants"]),
        phase=Workshop.Phase.SELECTION,
    )
    cards = bulk_create_with_history(
        [
            ChallengeCard(workshop=workshop, text=text, theme=theme, paper_votes=rng.randint(0, 3))
            for text, theme in CARDS
        ],
        ChallengeCard,
        default_user=by,
    )
    votes = []
    for participant in range(10):
        for card in rng.sample(cards, workshop.votes_per_participant):
            votes.append(CardVote(card=card, participant=f"demo-{participant}"))
    CardVote.objects.bulk_create(votes)
    services_workshops.workshop_select_top(workshop=workshop, by=by)
    services_workshops.workshop_set_phase(workshop=workshop, phase=Workshop.Phase.CLOSED, by=by)
