"""Demo data for the core app: communes, people and missions.

``seed_demo`` calls ``seed(ctx)`` of every project app that has a ``demo`` module, in the order of
INSTALLED_APPS, so later apps add their part (PST, questionnaires...) to the same communes.
Everything is idempotent: running it twice leaves the same data.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from territoire.demo import pst as pst_demo
from territoire.models import Commune, Membership, Mission, Role

DEMO_PASSWORD = "territoire-demo"

COMMUNES = [
    # code, name, province, region, country, population, area
    ("61099", "Val-d'Ourthe", "Province de Liège", "Wallonie", "BE", 16240, "148.35"),
    ("92999", "Sambrevaux", "Province de Namur", "Wallonie", "BE", 50310, "86.20"),
    ("08999", "Montfleury-sur-Meuse", "Ardennes", "Grand Est", "FR", 7980, "41.70"),
]

PEOPLE = [
    # username, first, last, [(commune code, role, function, service)]
    (
        "claire.dubois",
        "Claire",
        "Dubois",
        [
            ("61099", Role.CONSULTANT, "Référente smart région", ""),
            ("92999", Role.CONSULTANT, "Référente smart région", ""),
        ],
    ),
    (
        "thomas.leroy",
        "Thomas",
        "Leroy",
        [
            ("92999", Role.CONSULTANT, "Consultant transition numérique", ""),
            ("08999", Role.CONSULTANT, "Consultant transition numérique", ""),
        ],
    ),
    ("sophie.martin", "Sophie", "Martin", [("61099", Role.STAFF, "Directrice générale", "Direction générale")]),
    ("luc.gillet", "Luc", "Gillet", [("61099", Role.STAFF, "Chef du service travaux", "Travaux")]),
    ("julien.renard", "Julien", "Renard", [("92999", Role.STAFF, "Smart city manager", "Informatique")]),
    ("anne.collard", "Anne", "Collard", [("61099", Role.COLLEGE, "Bourgmestre", "")]),
    ("marc.lambert", "Marc", "Lambert", [("92999", Role.COLLEGE, "Échevin de la transition numérique", "")]),
    ("nadia.benali", "Nadia", "Benali", [("08999", Role.STAFF, "Secrétaire générale", "Direction générale")]),
]

MISSIONS = [
    # commune code, title, weeks since start, phase, referents
    ("61099", "Val-d'Ourthe, territoire intelligent 2026", 3, Mission.Phase.DIAGNOSTIC, ["claire.dubois"]),
    (
        "92999",
        "Sambrevaux, ville intelligente et durable",
        7,
        Mission.Phase.ROADMAP,
        ["claire.dubois", "thomas.leroy"],
    ),
]

LOGINS = [
    ("claire.dubois", "consultante (Val-d'Ourthe, Sambrevaux)"),
    ("thomas.leroy", "consultant (Sambrevaux, Montfleury-sur-Meuse)"),
    ("sophie.martin", "agente communale, directrice générale (Val-d'Ourthe)"),
    ("julien.renard", "agent communal, smart city manager (Sambrevaux)"),
    ("anne.collard", "membre du Collège, bourgmestre (Val-d'Ourthe)"),
    ("marc.lambert", "membre du Collège, échevin (Sambrevaux)"),
    ("admin", "administrateur de la plateforme (/admin/)"),
]


@dataclass
class DemoContext:
    size: str
    stdout: object
    communes: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    missions: dict = field(default_factory=dict)


def _user(username, first, last, password_hash, **extra):
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.territoire.localhost", **extra},
    )
    # The demo logins must work whatever was done to them since the last run.
    user.password = password_hash
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    return user


@transaction.atomic
def seed(ctx: DemoContext) -> None:
    password_hash = make_password(DEMO_PASSWORD)
    for code, name, province, region, country, population, area in COMMUNES:
        ctx.communes[code], _ = Commune.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "province": province,
                "region": region,
                "country": country,
                "population": population,
                "area_km2": area,
            },
        )
    admin = _user("admin", "Admin", "Plateforme", password_hash, is_staff=True, is_superuser=True)
    ctx.users["admin"] = admin
    for username, first, last, memberships in PEOPLE:
        user = _user(username, first, last, password_hash)
        ctx.users[username] = user
        for code, role, function, service in memberships:
            Membership.objects.update_or_create(
                user=user,
                commune=ctx.communes[code],
                defaults={"role": role, "function": function, "service": service},
            )
    today = timezone.localdate()
    for code, title, weeks_ago, phase, referents in MISSIONS:
        start = today - timedelta(weeks=weeks_ago)
        mission, _ = Mission.objects.update_or_create(
            commune=ctx.communes[code],
            title=title,
            defaults={"start_date": start, "planned_end_date": start + timedelta(weeks=8), "phase": phase},
        )
        mission.referents.set([ctx.users[u] for u in referents])
        ctx.missions[code] = mission
    if ctx.size == "large":
        _seed_large(ctx, password_hash)
    pst_demo.seed(ctx)


def _seed_large(ctx: DemoContext, password_hash: str) -> None:
    """Many communes with their people and a mission each, in bulk: the data benchmarks read."""
    User = get_user_model()
    count = 60
    codes = [f"9{n:04d}" for n in range(count)]
    existing = set(Commune.objects.filter(code__in=codes).values_list("code", flat=True))
    Commune.objects.bulk_create(
        [
            Commune(
                code=code, name=f"Commune de test {n:02d}", province="Province de Namur", population=5000 + 700 * n
            )
            for n, code in enumerate(codes)
            if code not in existing
        ]
    )
    communes = list(Commune.objects.filter(code__in=codes).order_by("code"))
    usernames = [f"agent{c.code}-{i}" for c in communes for i in range(15)]
    known = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    User.objects.bulk_create(
        [User(username=u, password=password_hash, last_name=u) for u in usernames if u not in known]
    )
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    consultant = ctx.users["claire.dubois"]
    memberships = [Membership(user=consultant, commune=c, role=Role.CONSULTANT) for c in communes]
    for c in communes:
        for i in range(15):
            role = Role.COLLEGE if i < 5 else Role.STAFF
            memberships.append(Membership(user=users[f"agent{c.code}-{i}"], commune=c, role=role))
    Membership.objects.bulk_create(memberships, ignore_conflicts=True)
    today = timezone.localdate()
    with_mission = set(Mission.objects.filter(commune__in=communes).values_list("commune_id", flat=True))
    for c in communes:
        if c.pk not in with_mission:
            mission = Mission.objects.create(
                commune=c, title=f"Mission {c.name}", start_date=today - timedelta(weeks=c.pk % 8)
            )
            mission.referents.add(consultant)
        ctx.missions.setdefault(c.code, c.missions.first())
