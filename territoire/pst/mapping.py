"""Which column holds what: French headers, tolerant to case, accents, spaces and common synonyms."""

import re

from django.utils.translation import gettext_lazy as _

from territoire.pst.values import normalize

# field → (label shown in the mapping selects, normalized synonyms)
FIELDS = {
    "level": (_("Niveau (OS / OO / action)"), ["niveau", "type", "typedelement", "typeelement", "element"]),
    "volet": (_("Volet"), ["volet", "voletpst"]),
    "os_code": (_("Code de l'OS"), ["codeos", "os", "numeroos", "nos", "osn", "refos", "codeobjectifstrategique"]),
    "os_title": (
        _("Objectif stratégique"),
        [
            "objectifstrategique",
            "intituleos",
            "libelleos",
            "objectifstrategiqueos",
            "titreos",
            "objectifsstrategiques",
        ],
    ),
    "oo_code": (
        _("Code de l'OO"),
        ["codeoo", "oo", "numerooo", "noo", "oon", "refoo", "codeobjectifoperationnel"],
    ),
    "oo_title": (
        _("Objectif opérationnel"),
        [
            "objectifoperationnel",
            "intituleoo",
            "libelleoo",
            "objectifoperationneloo",
            "titreoo",
            "objectifsoperationnels",
        ],
    ),
    "code": (
        _("Code de l'action (ou de l'élément)"),
        [
            "code",
            "codeaction",
            "numeroaction",
            "naction",
            "actionn",
            "refaction",
            "codeprojet",
            "reference",
            "ref",
            "numero",
        ],
    ),
    "title": (
        _("Intitulé de l'action (ou de l'élément)"),
        [
            "intitule",
            "libelle",
            "titre",
            "action",
            "actions",
            "intituleaction",
            "libelleaction",
            "projet",
            "intituleprojet",
            "nom",
        ],
    ),
    "description": (_("Description"), ["description", "descriptif", "descriptionaction", "detail"]),
    "service": (
        _("Service pilote"),
        ["servicepilote", "service", "pilote", "departement", "serviceresponsable", "direction", "servicepilotage"],
    ),
    "responsible": (
        _("Agent responsable"),
        ["agentresponsable", "responsable", "agent", "responsableadministratif", "chefdeprojet", "agentpilote"],
    ),
    "political_lead": (
        _("Mandataire (échevin)"),
        ["mandataire", "echevin", "responsablepolitique", "portefeuille", "mandatairepolitique", "elu", "echevinat"],
    ),
    "start_date": (_("Date de début"), ["datededebut", "debut", "datedebut", "demarrage", "datededemarrage"]),
    "end_date": (
        _("Date de fin"),
        ["datedefin", "fin", "datefin", "echeance", "delai", "datedecheance", "datefinprevue"],
    ),
    "budget": (
        _("Budget"),
        ["budget", "montant", "budgetestime", "cout", "coutestime", "budgettotal", "montantestime", "budgeteur"],
    ),
    "budget_source": (
        _("Source du budget"),
        ["sourcedubudget", "sourcedefinancement", "financement", "sourcebudget", "typedebudget", "servicebudgetaire"],
    ),
    "state": (_("État"), ["etat", "statut", "etatdavancement", "situation", "etatdelaction"]),
    "progress": (
        _("Avancement (%)"),
        ["avancement", "tauxdavancement", "pourcentage", "progression", "avancementpourcent", "tauxavancement"],
    ),
    "fte": (_("ETP"), ["etp", "equivalenttempsplein", "etpaffectes", "ressourcesetp"]),
    "plans": (_("Plans"), ["plans", "plan", "planslies", "planstransversaux"]),
    "partners": (_("Partenaires"), ["partenaires", "partenaire"]),
    "indicator": (_("Indicateur"), ["indicateur", "indicateurderesultat", "indicateurs"]),
    "indicator_expected": (_("Valeur attendue"), ["valeurattendue", "cible", "valeurcible", "objectifchiffre"]),
    "indicator_reached": (_("Valeur atteinte"), ["valeuratteinte", "realise", "valeurrealisee", "resultat"]),
}
SYNONYMS = {synonym: field for field, (_label, synonyms) in FIELDS.items() for synonym in synonyms}
YEAR_HEADER = re.compile(r"^(budget|montant)?(20\d\d)(eur)?$")
CODE_LIKE = re.compile(r"^[A-Za-z]{0,3}[\s.\-]*\d+([.\-\s]\d+)*\.?$")
HEADER_SCAN_ROWS = 30


def field_for_header(header) -> str:
    """The field a header names, « year:2026 » for a yearly budget column, or "" when unknown."""
    word = normalize(header)
    if not word:
        return ""
    if word in SYNONYMS:
        return SYNONYMS[word]
    match = YEAR_HEADER.match(word)
    if match:
        return f"year:{match[2]}"
    # « Service pilote (direction) », « Budget estimé TVAC » : a known synonym at the start is enough,
    # but not « Objectif stratégique 1 » or « Action 1.1.1 », which are data rows, not headers.
    if re.search(r"\d", word):
        return ""
    for synonym in sorted(SYNONYMS, key=len, reverse=True):
        if len(synonym) >= 4 and word.startswith(synonym):
            return SYNONYMS[synonym]
    return ""


def field_choices() -> list[tuple[str, str]]:
    return [("", _("— ignorer cette colonne —")), *((key, label) for key, (label, _s) in FIELDS.items())]


def find_header(rows: list[list]) -> int | None:
    """Index of the header row: among the first rows, the one naming the most known columns (at least two)."""
    best, best_score = None, 1
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        fields = {field_for_header(cell) for cell in row if isinstance(cell, str)} - {""}
        score = len(fields)
        if score > best_score and fields & {"code", "title", "os_code", "oo_code", "os_title", "oo_title"}:
            best, best_score = index, score
    return best


def auto_columns(header: list, data_rows: list[list]) -> list[str]:
    """One field per column (``""`` to ignore it); each field is given to one column at most."""
    fields = [field_for_header(cell) for cell in header]
    for index, cell in enumerate(header):
        if (
            fields[index] == "title"
            and "code" not in fields
            and normalize(cell) in ("action", "actions", "projet")
            and _holds_codes(data_rows, index)
        ):
            fields[index] = "code"  # « Action » holding « A.1.2.3 »: the action's code, its title is elsewhere.
    columns, used = [], set()
    for field in fields:
        columns.append("" if field in used else field)
        used.add(field)
    return columns


def _holds_codes(rows, index) -> bool:
    values = [str(row[index]).strip() for row in rows[:200] if index < len(row) and row[index] not in (None, "")]
    return bool(values) and sum(bool(CODE_LIKE.match(v)) for v in values) >= 0.8 * len(values)
