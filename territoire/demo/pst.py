"""Demo PSTs for Val-d'Ourthe (61099) and Sambrevaux (92999), built in code (never read from ../shared).

Written through the same bulk path as an import (``territoire.pst.apply``), so running the demo twice
leaves the same nodes; a few nodes get smart themes so that the diagnostic has something to count.
With ``--size large`` a 5 000-action PST goes to the first benchmark commune.
"""

from territoire.models import PST, Commune, PSTNode, PSTNodeTag
from territoire.pst import apply

TREE = [
    # (volet, OS title, themes, [(OO title, [(action title, service, state, budget, plans)])])
    (
        "externe",
        "Être une commune où la mobilité douce et sûre est une évidence",
        ["mobility"],
        [
            (
                "Développer un réseau cyclable continu entre les villages et le centre",
                [
                    (
                        "Aménager la liaison cyclable entre les villages et le centre",
                        "Travaux",
                        "in_progress",
                        "250000",
                        ["PCDR"],
                    ),
                    ("Installer des parkings vélos sécurisés aux écoles", "Travaux", "not_started", "45000", ["PCS"]),
                    ("Baliser les itinéraires RAVeL communaux", "Tourisme", "done", "12500", []),
                ],
            ),
            (
                "Apaiser la circulation au centre",
                [
                    (
                        "Mettre en zone 30 les abords des écoles",
                        "Mobilité",
                        "in_progress",
                        "81000",
                        ["Plan communal de mobilité"],
                    ),
                    ("Installer des radars préventifs connectés", "Police", "waiting", "36000", []),
                    (
                        "Actualiser le plan communal de mobilité",
                        "Mobilité",
                        "problem",
                        "60000",
                        ["Plan communal de mobilité"],
                    ),
                ],
            ),
        ],
    ),
    (
        "externe",
        "Être une commune engagée dans la transition énergétique",
        ["energy", "environment"],
        [
            (
                "Réduire la consommation énergétique des bâtiments communaux",
                [
                    (
                        "Installer un monitoring énergétique des bâtiments",
                        "Informatique",
                        "in_progress",
                        "18500",
                        ["PAEDC"],
                    ),
                    (
                        "Remplacer l'éclairage public par des LED télégérées",
                        "Travaux",
                        "in_progress",
                        "420000",
                        ["PAEDC"],
                    ),
                ],
            ),
            (
                "Soutenir les communautés d'énergie citoyennes",
                [("Accompagner la création d'une communauté d'énergie", "Environnement", "not_started", "15000", [])],
            ),
        ],
    ),
    (
        "externe",
        "Être une commune qui soutient son commerce local",
        ["economy"],
        [
            (
                "Redynamiser le centre commerçant",
                [
                    (
                        "Créer une plateforme numérique des commerçants locaux",
                        "Développement économique",
                        "problem",
                        "30000",
                        [],
                    ),
                    ("Mesurer la fréquentation du centre par capteurs", "ADL", "waiting", "22000", []),
                ],
            )
        ],
    ),
    (
        "interne",
        "Être une administration moderne, efficace et proche du citoyen",
        ["administration", "governance"],
        [
            (
                "Simplifier les démarches des citoyens",
                [
                    (
                        "Ouvrir un guichet électronique pour les documents d'état civil",
                        "Population",
                        "in_progress",
                        "40000",
                        [],
                    ),
                    ("Refondre le site internet communal", "Communication", "done", "25000", []),
                ],
            ),
            (
                "Moderniser les outils de l'administration",
                [
                    (
                        "Interconnecter les logiciels métiers pour éviter le double encodage",
                        "Informatique",
                        "not_started",
                        "65000",
                        [],
                    ),
                    ("Former les agents aux outils collaboratifs", "Ressources humaines", "in_progress", "8000", []),
                ],
            ),
        ],
    ),
]


def demo_payload() -> dict:
    nodes = []
    for i, (volet, os_title, _themes, objectives) in enumerate(TREE, start=1):
        nodes.append(_node("os", f"OS.{i}", os_title, volet))
        for j, (oo_title, actions) in enumerate(objectives, start=1):
            oo = _node("oo", f"OO.{i}.{j}", oo_title, volet, parent=f"os.{i}")
            nodes.append(oo)
            for k, (title, service, state, budget, plans) in enumerate(actions, start=1):
                action = _node("action", f"A.{i}.{j}.{k}", title, volet, objectives=[f"oo.{i}.{j}"])
                action.update(
                    service=service,
                    state=state,
                    budget=f"{budget}.00",
                    budget_source="extraordinary" if int(budget) > 50000 else "ordinary",
                    start_date="2025-03-01",
                    end_date=f"{2026 + k % 3}-12-31",
                    progress={"done": 100, "not_started": 0}.get(state, 40),
                    links=[{"kind": "plan", "name": p} for p in plans],
                )
                nodes.append(action)
    return {"meta": {"title": "PST 2024-2030"}, "nodes": nodes, "errors": []}


def large_payload(actions: int = 5000) -> dict:
    """A PST of ``actions`` actions (10 OS × 10 OO × n), for benchmarks and the large demo."""
    per_oo = max(1, actions // 100)
    nodes = []
    for i in range(1, 11):
        nodes.append(_node("os", f"OS.{i}", f"Objectif stratégique {i}", "externe" if i < 8 else "interne"))
        for j in range(1, 11):
            nodes.append(_node("oo", f"OO.{i}.{j}", f"Objectif opérationnel {i}.{j}", "externe", parent=f"os.{i}"))
            for k in range(1, per_oo + 1):
                action = _node(
                    "action", f"A.{i}.{j}.{k}", f"Action {i}.{j}.{k}", "externe", objectives=[f"oo.{i}.{j}"]
                )
                action.update(service="Travaux", state="in_progress", budget="12500.00", end_date="2027-12-31")
                action["budget_lines"] = [
                    {"year": 2026, "source": "ordinary", "kind": "D", "amount": "1200.00", "projected": True}
                ]
                nodes.append(action)
    return {"meta": {"title": "PST 2024-2030 (volumineux)"}, "nodes": nodes, "errors": []}


def _node(level, code, title, volet, *, parent=None, objectives=()):
    return {
        "level": level,
        "code": code,
        "key": code.lower(),
        "title": title,
        "volet": volet,
        "parent": parent,
        "objectives": list(objectives),
        "budget_lines": [],
        "links": [],
        "indicators": [],
        "extra": {},
    }


def write_pst(commune, payload) -> PST:
    pst, _ = PST.objects.get_or_create(
        commune=commune, start_year=2024, end_year=2030, entity="commune", defaults={"title": payload["meta"]["title"]}
    )
    apply.write(pst, payload)
    return pst


def seed(ctx) -> None:
    for code in ("61099", "92999"):
        pst = write_pst(ctx.communes[code], demo_payload())
        keys = {n.key: n.pk for n in PSTNode.objects.filter(pst=pst, level="os")}
        tags = [
            PSTNodeTag(node_id=keys[f"os.{i}"], kind="theme", value=theme)
            for i, (_v, _t, themes, _o) in enumerate(TREE, start=1)
            for theme in themes
        ]
        PSTNodeTag.objects.bulk_create(tags, ignore_conflicts=True)
    if ctx.size == "large":
        # The first benchmark commune of ``territoire.demo._seed_large``.
        commune = Commune.objects.filter(code="90000").first()
        if commune is not None:
            write_pst(commune, large_payload())
