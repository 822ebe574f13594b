"""Built-in questionnaire templates, written by us for Territoire.

The smart-maturity self-diagnostic follows the spirit of the Smart City Institute's maturity
model: seven axes (governance & strategy, organisation & skills, planning & implementation,
monitoring & evaluation, data & technology, innovation, sustainability), each question tagged
with a dimension (technology / people / institutions) and, where it applies, a theme. Audience
variants keep the questions that make sense for that audience (``only``) and add a few of their
own, so that their maturity scores compare dimension by dimension.

A question is a dict: ``type``, ``text`` and optionally ``help``, ``dimension``, ``theme``,
``maturity`` (counts toward the maturity score), ``required``, ``choices`` (label list; a label
starting with ``"+"`` is an "other, please specify" choice), ``rows`` (matrix), ``config``,
``only`` (variant keys the question belongs to; all when absent).
"""

from django.utils.translation import gettext_lazy as _

T, P, I = "technology", "people", "institutions"  # noqa: E741

MATURITY_SECTIONS = [
    (
        _("Gouvernance et stratégie"),
        _("Comment la commune porte et pilote sa démarche de territoire intelligent."),
        [
            {
                "type": "likert",
                "text": _(
                    "La commune dispose d'une vision claire de ce que le numérique doit apporter au territoire."
                ),
                "dimension": I,
                "theme": "governance",
                "maturity": True,
                "required": True,
            },
            {
                "type": "likert",
                "text": _(
                    "Les projets « smart » sont reliés aux objectifs du Programme stratégique transversal (PST)."
                ),
                "dimension": I,
                "theme": "governance",
                "maturity": True,
                "only": ["maturity", "college", "staff"],
            },
            {
                "type": "yes_no",
                "text": _("Un membre du Collège porte explicitement la transition numérique."),
                "dimension": I,
                "theme": "governance",
                "maturity": True,
                "only": ["maturity", "college", "staff"],
            },
            {
                "type": "rating",
                "text": _("Sur 10, à quel point les citoyens sont-ils associés aux décisions de la commune ?"),
                "help": _("0 : jamais ; 10 : systématiquement, dès la conception."),
                "dimension": P,
                "theme": "governance",
                "maturity": True,
            },
            {
                "type": "matrix",
                "text": _("Dans quelle mesure la commune collabore-t-elle avec ces acteurs ?"),
                "rows": [
                    _("Communes voisines"),
                    _("Intercommunales"),
                    _("Entreprises locales"),
                    _("Associations et citoyens"),
                    _("Universités et centres de recherche"),
                ],
                "dimension": I,
                "theme": "governance",
                "maturity": True,
                "only": ["maturity", "college", "staff"],
            },
        ],
    ),
    (
        _("Organisation et compétences"),
        _("Les personnes, les rôles et les savoir-faire au sein de l'administration."),
        [
            {
                "type": "likert",
                "text": _("Les agents disposent des compétences numériques nécessaires à leur travail."),
                "dimension": P,
                "theme": "administration",
                "maturity": True,
                "only": ["maturity", "college", "staff"],
            },
            {
                "type": "yes_no",
                "text": _("Une personne est chargée de coordonner les projets numériques (smart city manager, CIO…)."),
                "dimension": I,
                "theme": "administration",
                "maturity": True,
                "only": ["maturity", "college", "staff"],
            },
            {
                "type": "likert",
                "text": _("Les services travaillent ensemble sur les projets transversaux."),
                "dimension": P,
                "theme": "administration",
                "maturity": True,
                "only": ["maturity", "college", "staff"],
            },
            {
                "type": "number",
                "text": _("Combien d'heures de formation au numérique avez-vous suivies l'an dernier ?"),
                "config": {"unit": "h", "min": 0, "max": 500},
                "dimension": P,
                "theme": "administration",
                "only": ["staff"],
            },
            {
                "type": "multiple",
                "text": _("Quelles compétences manquent le plus à l'administration ?"),
                "choices": [
                    _("Gestion de projet"),
                    _("Analyse de données"),
                    _("Marchés publics informatiques"),
                    _("Cybersécurité"),
                    _("Communication numérique"),
                    "+" + _("Autre"),
                ],
                "dimension": P,
                "theme": "administration",
                "only": ["maturity", "college", "staff"],
            },
        ],
    ),
    (
        _("Planification et mise en œuvre"),
        _("Comment les projets sont choisis, financés et menés à bien."),
        [
            {
                "type": "likert",
                "text": _("Les projets numériques sont priorisés selon des critères connus de tous."),
                "dimension": I,
                "theme": "governance",
                "maturity": True,
                "only": ["maturity", "college", "staff"],
            },
            {
                "type": "likert",
                "text": _("Un budget est réservé chaque année aux projets de territoire intelligent."),
                "dimension": I,
                "theme": "economy",
                "maturity": True,
                "only": ["maturity", "college", "staff"],
            },
            {
                "type": "ranking",
                "text": _("Classez ces domaines du plus urgent au moins urgent pour la commune."),
                "choices": [
                    _("Mobilité"),
                    _("Énergie"),
                    _("Environnement"),
                    _("Économie locale"),
                    _("Cadre de vie"),
                    _("Services administratifs en ligne"),
                ],
                "dimension": P,
            },
            {
                "type": "single",
                "text": _("Comment qualifieriez-vous l'avancement des projets numériques en cours ?"),
                "choices": [
                    _("Aucun projet en cours"),
                    _("En retard"),
                    _("Dans les temps"),
                    _("En avance"),
                    _("Je ne sais pas"),
                ],
                "dimension": I,
                "only": ["maturity", "college", "staff"],
            },
        ],
    ),
    (
        _("Suivi et évaluation"),
        _("Mesurer ce que les projets apportent vraiment."),
        [
            {
                "type": "likert",
                "text": _("Les projets sont évalués à l'aide d'indicateurs définis au départ."),
                "dimension": I,
                "theme": "governance",
                "maturity": True,
                "only": ["maturity", "college", "staff"],
            },
            {
                "type": "likert",
                "text": _("Les résultats des projets sont communiqués aux citoyens."),
                "dimension": P,
                "theme": "governance",
                "maturity": True,
            },
            {
                "type": "rating",
                "text": _("Sur 10, quelle est votre satisfaction à l'égard des services en ligne de la commune ?"),
                "dimension": T,
                "theme": "administration",
                "maturity": True,
            },
        ],
    ),
    (
        _("Données et technologies"),
        _("Les outils, les données et l'infrastructure numériques."),
        [
            {
                "type": "likert",
                "text": _("Les logiciels de la commune échangent leurs données sans double encodage."),
                "dimension": T,
                "theme": "administration",
                "maturity": True,
                "only": ["maturity", "staff"],
            },
            {
                "type": "yes_no",
                "text": _("La commune publie des données ouvertes (open data)."),
                "dimension": T,
                "theme": "governance",
                "maturity": True,
                "only": ["maturity", "college", "staff"],
            },
            {
                "type": "likert",
                "text": _("La couverture internet (fixe et mobile) du territoire est satisfaisante."),
                "dimension": T,
                "theme": "living",
                "maturity": True,
            },
            {
                "type": "likert",
                "text": _("La sécurité informatique et la protection des données sont prises au sérieux."),
                "dimension": T,
                "theme": "administration",
                "maturity": True,
                "only": ["maturity", "college", "staff"],
            },
            {
                "type": "multiple",
                "text": _("Quels services en ligne utilisez-vous (ou aimeriez-vous utiliser) ?"),
                "choices": [
                    _("Guichet en ligne (documents, attestations)"),
                    _("Prise de rendez-vous"),
                    _("Signalement d'un problème sur la voie publique"),
                    _("Paiement en ligne"),
                    _("Inscriptions (écoles, stages, activités)"),
                    "+" + _("Autre"),
                ],
                "dimension": T,
                "theme": "administration",
                "only": ["maturity", "citizens"],
            },
        ],
    ),
    (
        _("Innovation"),
        _("L'ouverture aux idées nouvelles et à l'expérimentation."),
        [
            {
                "type": "likert",
                "text": _("La commune ose tester de nouvelles solutions à petite échelle avant de les généraliser."),
                "dimension": I,
                "theme": "governance",
                "maturity": True,
            },
            {
                "type": "likert",
                "text": _("Les idées des agents et des citoyens sont recueillies et suivies."),
                "dimension": P,
                "theme": "governance",
                "maturity": True,
            },
            {
                "type": "long_text",
                "text": _("Quel projet innovant aimeriez-vous voir naître dans la commune ?"),
                "dimension": P,
            },
        ],
    ),
    (
        _("Durabilité"),
        _("Le numérique au service de la transition écologique et du cadre de vie."),
        [
            {
                "type": "likert",
                "text": _("La commune suit sa consommation d'énergie à l'aide d'outils numériques."),
                "dimension": T,
                "theme": "energy",
                "maturity": True,
                "only": ["maturity", "college", "staff"],
            },
            {
                "type": "likert",
                "text": _("Se déplacer dans la commune sans voiture est facile."),
                "dimension": P,
                "theme": "mobility",
                "maturity": True,
            },
            {
                "type": "likert",
                "text": _("La qualité de l'environnement (air, bruit, espaces verts) est bien suivie."),
                "dimension": T,
                "theme": "environment",
                "maturity": True,
            },
            {
                "type": "yes_no",
                "text": _(
                    "Le commerce local est soutenu par des outils numériques (vitrine en ligne, monnaie locale…)."
                ),
                "dimension": T,
                "theme": "economy",
                "maturity": True,
            },
            {
                "type": "short_text",
                "text": _("En un mot, qu'est-ce qu'une commune « intelligente » pour vous ?"),
                "dimension": P,
            },
        ],
    ),
]

# Questions that only one audience variant asks.
EXTRA_SECTIONS = {
    "citizens": [
        (
            _("Vous et la commune"),
            _("Quelques questions pour mieux connaître les répondants."),
            [
                {
                    "type": "single",
                    "text": _("Quel âge avez-vous ?"),
                    "choices": [_("Moins de 25 ans"), _("25 à 44 ans"), _("45 à 64 ans"), _("65 ans et plus")],
                },
                {
                    "type": "single",
                    "text": _("Comment vous informez-vous sur la vie communale ?"),
                    "choices": [
                        _("Bulletin communal papier"),
                        _("Site internet"),
                        _("Réseaux sociaux"),
                        _("Bouche à oreille"),
                        "+" + _("Autre"),
                    ],
                },
                {
                    "type": "long_text",
                    "text": _("Précisez ce qui vous manque dans l'information communale."),
                    "show_if": (1, 1),  # (question index in this section, choice index): « Site internet »
                },
            ],
        )
    ],
}

BUILTIN_TEMPLATES = {
    "maturity": {
        "title": _("Autodiagnostic de maturité smart"),
        "description": _(
            "Une trentaine de questions sur les sept axes de la maturité d'un territoire intelligent, "
            "pour toutes les personnes concernées."
        ),
    },
    "college": {
        "title": _("Autodiagnostic de maturité smart — Collège"),
        "description": _("La version destinée au bourgmestre et aux échevins."),
    },
    "staff": {
        "title": _("Autodiagnostic de maturité smart — personnel communal"),
        "description": _("La version destinée aux agents de l'administration, service par service."),
    },
    "citizens": {
        "title": _("Votre commune et le numérique — questionnaire citoyen"),
        "description": _("La version courte et en langage courant destinée aux habitants."),
    },
}


def template_sections(key: str) -> list:
    """The sections of a built-in template: [(title, description, [question dicts])]."""
    if key not in BUILTIN_TEMPLATES:
        raise KeyError(key)
    sections = []
    for title, description, questions in MATURITY_SECTIONS:
        kept = [q for q in questions if key in q.get("only", [key])]
        if kept:
            sections.append((title, description, kept))
    return sections + EXTRA_SECTIONS.get(key, [])
