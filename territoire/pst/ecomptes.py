"""The regional PST interchange format: the XML that Walloon PST software exports for eComptes.

Format version 201805V1: ``dataroot`` → ``Identifiants`` + ``PST`` → ``Volets`` → ``ObjectifStrategique``
→ ``ObjectifOperationnel`` → ``Action``, each an ``ElementBaseInfo``. The published schema is not loaded
at run time (the tests validate our exports against it); the reader below is tolerant and the writer
follows the schema's element order.
"""

import re
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from territoire.models import BudgetSource, NodeLevel, NodeState, PSTEntity, PSTNodeLink, Volet
from territoire.pst import PSTFileError, values

VERSION = "201805V1"
# A PST of 20 000 nodes is about 800 000 elements; its tree then takes ~165 MB. libxml2 refuses depths over 256.
MAX_ELEMENTS = 1_000_000
STATUS_TO_STATE = {
    "NON_COMMENCE": NodeState.NOT_STARTED,
    "EN_COURS": NodeState.IN_PROGRESS,
    "EN_ATTENTE": NodeState.WAITING,
    "PROBLEME": NodeState.PROBLEM,
    "TERMINE": NodeState.DONE,
    "ANNULE_ABANDONNE": NodeState.ABANDONED,
}
STATE_TO_STATUS = {state: status for status, state in STATUS_TO_STATE.items()}
LEVEL_TAGS = [
    ("ObjectifStrategiques", "ObjectifStrategique", NodeLevel.OS),
    ("ObjectifsOperationnels", "ObjectifOperationnel", NodeLevel.OO),
    ("Actions", "Action", NodeLevel.ACTION),
]


def _parser():
    # No entities, no DTD, no network: an uploaded XML must not read files or call out (XXE).
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child(element, name):
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _children(element, name):
    return [child for child in element if _local(child.tag) == name]


def _text(element, name) -> str:
    child = _child(element, name) if element is not None else None
    return (child.text or "").strip() if child is not None else ""


def _refuse_oversized(data: bytes) -> None:
    """Refuse before a tree is built (~165 bytes an element): every element starts with « < »."""
    elements = data.count(b"<") - data.count(b"</")
    if elements > MAX_ELEMENTS:
        raise PSTFileError(
            _(
                "Le fichier XML compte plus de %(max)s éléments : un PST n'en a jamais autant. Exportez uniquement "
                "le PST de la commune."
            )
            % {"max": f"{MAX_ELEMENTS:,}".replace(",", "\u202f")}
        )


def read(data: bytes) -> dict:
    try:
        _refuse_oversized(data)
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise PSTFileError(
            _("Le fichier XML est mal formé (ligne %(line)s) : %(error)s") % {"line": error.lineno, "error": error.msg}
        ) from None
    if _local(root.tag) != "dataroot" or _child(root, "PST") is None:
        raise PSTFileError(
            _("Ce fichier XML n'est pas un export PST eComptes (élément « dataroot » avec « PST » attendu).")
        )
    ids = _child(root, "Identifiants")
    version = _text(ids, "Version")
    warnings = []
    if version and version != VERSION:
        warnings.append(
            _("Version du format %(version)s : seule la version %(expected)s est connue, vérifiez l'aperçu.")
            % {"version": version, "expected": VERSION}
        )
    pst = _child(root, "PST")
    description = _child(pst, "DescriptionPST")
    meta = {
        "ins": _text(ids, "INS"),
        "entity": PSTEntity.CPAS if _text(ids, "TypeAdmin").upper() == "CPAS" else PSTEntity.COMMUNE,
        "title": _text(description, "Libelle")[:255],
        "source_id": _text(description, "IdPST")[:40],
    }
    for field, tag in (("start_year", "ExerciceDebut"), ("end_year", "ExerciceFin")):
        if re.fullmatch(r"\d{4}", _text(description, tag)):
            meta[field] = int(_text(description, tag))
    nodes: dict[tuple[str, str], dict] = {}
    errors: list[dict] = []
    volets = _child(pst, "Volets")
    for volet_element in _children(volets, "Volet") if volets is not None else []:
        label = values.normalize(_text(volet_element, "Libelle") + volet_element.get("ElementId", ""))
        volet = Volet.INTERNAL if "intern" in label or label.endswith("v2") else Volet.EXTERNAL
        _walk(volet_element, 0, volet, None, nodes, errors)
    return {"meta": meta, "nodes": list(nodes.values()), "errors": errors, "warnings": [str(w) for w in warnings]}


def _walk(parent_element, depth, volet, parent_node, nodes, errors):
    container_tag, tag, level = LEVEL_TAGS[depth]
    container = _child(parent_element, container_tag)
    for element in _children(container, tag) if container is not None else []:
        node = _node(element, level, volet)
        line = element.sourceline
        existing = nodes.get((level, node["key"]))
        if existing is None:
            nodes[(level, node["key"])] = node
        elif level != NodeLevel.ACTION or existing["title"] != node["title"]:
            errors.append(
                {
                    "row": line,
                    "column": "ElementId",
                    "message": _("L'identifiant « %(code)s » est utilisé par deux éléments différents.")
                    % {"code": node["code"]},
                }
            )
            continue
        else:
            node = existing
        if level == NodeLevel.OO:
            node["parent"] = parent_node["key"]
        elif level == NodeLevel.ACTION and parent_node["key"] not in node["objectives"]:
            node["objectives"].append(parent_node["key"])
        if depth < 2:
            _walk(element, depth + 1, volet, node, nodes, errors)


def _person(element) -> dict | None:
    if element is None:
        return None
    return {k: _text(element, k) for k in ("Civilite", "Nom", "Prenom", "Tel", "eMail")}


def _node(element, level, volet) -> dict:
    code = (element.get("ElementId") or "").strip()
    title = _text(element, "Libelle")
    description = _child(element, "Description")
    remark = _child(element, "RemarqueStatut")
    node = {
        "level": level,
        "code": code[:60],
        "key": values.code_key(code) if code else "t:" + values.normalize(title)[:200],
        "title": (title or code)[:500],
        "row": element.sourceline,
        "volet": volet,
        "element_id": code[:100],
        "parent": None,
        "objectives": [],
        "links": [],
        "budget_lines": [],
        "indicators": [],
        "extra": {"exercice": element.get("Exercice", "")},
    }
    if description is not None and _text(description, "Valeur"):
        node["description"] = _text(description, "Valeur")
        node["description_is_html"] = _text(description, "Mode").upper() == "HTML"
    if remark is not None and _text(remark, "Valeur"):
        node["status_note"] = _text(remark, "Valeur")
    for field, tag in (("start_date", "DateDebut"), ("end_date", "DateFin")):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", _text(element, tag)[:10]):
            node[field] = _text(element, tag)[:10]
    state = STATUS_TO_STATE.get(_text(element, "Statut").upper())
    if state:
        node["state"] = state
    for field, tag in (("responsible", "Responsable"), ("political_lead", "Mandataire")):
        person = _person(_child(element, tag))
        if person:
            node[field] = f"{person['Prenom']} {person['Nom']}".strip()[:200]
            node["extra"][field] = person
            if field == "responsible" and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", person["eMail"]):
                node["responsible_email"] = person["eMail"][:254]
    if _text(element, "Departement"):
        node["service"] = _text(element, "Departement")[:200]
    try:
        progress = values.percent(_text(element, "TauxAvancement") or None)
        fte = values.decimal(_text(element, "ETP") or None)
    except ValueError:
        progress = fte = None
    if progress is not None:
        node["progress"] = progress
    if fte:
        node["fte"] = str(fte)
    for container, tag, kind in (
        ("Plans", "Plan", PSTNodeLink.Kind.PLAN),
        ("Partenaires", "Partenaire", PSTNodeLink.Kind.PARTNER),
    ):
        for item in _children(_child(element, container), tag) if _child(element, container) is not None else []:
            if (item.text or "").strip():
                node["links"].append({"kind": kind, "name": item.text.strip()[:255]})
    total = Decimal(0)
    articles = _child(element, "Articles")
    for article in _children(articles, "Article") if articles is not None else []:
        amount = _decimal(_text(article, "Montant"))
        if amount is None:
            continue
        kind = _text(article, "Type") or "D"
        node["budget_lines"].append(
            {
                "year": _year(_text(article, "Exercice")),
                "source": BudgetSource.EXTRAORDINARY if _text(article, "Service") == "E" else BudgetSource.ORDINARY,
                "kind": kind,
                "article": _text(article, "CodeArticle")[:50],
                "label": _text(article, "Libelle")[:255],
                "amount": str(amount),
                "projected": False,
            }
        )
        if kind == "D":
            total += amount
    projections = _child(element, "Projections")
    for projection in _children(projections, "Projection") if projections is not None else []:
        exercises = _child(projection, "Exercices")
        for exercise in _children(exercises, "Exercice") if exercises is not None else []:
            amount = _decimal(_text(exercise, "Montant"))
            if amount is None:
                continue
            node["budget_lines"].append(
                {
                    "year": _year(exercise.get("Valeur", "")),
                    "source": BudgetSource.EXTRAORDINARY
                    if _text(projection, "Service") == "E"
                    else BudgetSource.ORDINARY,
                    "kind": _text(projection, "Type") or "D",
                    "economic_group": _text(projection, "GroupeEco")[:50],
                    "label": _text(projection, "Libelle")[:255],
                    "amount": str(amount),
                    "projected": True,
                }
            )
    if total:
        node["budget"] = str(total)
        sources = {line["source"] for line in node["budget_lines"] if not line["projected"] and line["kind"] == "D"}
        if len(sources) == 1:
            node["budget_source"] = sources.pop()
    return node


def _decimal(raw):
    try:
        return values.decimal(raw) if raw else None
    except ValueError:
        return None


def _year(raw):
    return int(raw) if re.fullmatch(r"\d{4}", raw or "") else None


# --- Export -------------------------------------------------------------------------------------


def _sub(parent, tag, text=None, **attrs):
    element = etree.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = str(text)
    return element


def _write_person(parent, tag, person):
    if not person or person.get("Civilite") not in ("MONSIEUR", "MADAME"):
        return  # The schema requires a civility we do not invent.
    element = _sub(parent, tag)
    _sub(element, "Civilite", person["Civilite"])
    _sub(element, "Nom", (person.get("Nom") or "")[:100])
    _sub(element, "Prenom", (person.get("Prenom") or "")[:50])
    _sub(element, "Tel", (person.get("Tel") or "")[:15])
    _sub(element, "eMail", (person.get("eMail") or "")[:255])


def _write_base(element, node, year, *, title=None, volet_label=None):
    _sub(element, "Libelle", (title or node.title)[:255])
    if node is not None and node.start_date:
        _sub(element, "DateDebut", node.start_date.isoformat())
    if node is not None and node.end_date:
        _sub(element, "DateFin", node.end_date.isoformat())
    description = _sub(element, "Description")
    _sub(description, "Mode", "HTML" if node is not None and node.description_is_html else "TEXTE")
    _sub(description, "Valeur", node.description if node is not None else volet_label)
    _sub(element, "Statut", STATE_TO_STATUS.get(node.state, "NON_COMMENCE") if node is not None else "EN_COURS")
    extra = (node.extra or {}) if node is not None else {}
    _write_person(element, "Responsable", extra.get("responsible"))
    _write_person(element, "Mandataire", extra.get("political_lead"))
    if node is not None and node.service:
        _sub(element, "Departement", node.service)
    _sub(element, "TauxAvancement", node.progress if node is not None and node.progress is not None else 0)
    remark = _sub(element, "RemarqueStatut")
    _sub(remark, "Mode", "TEXTE")
    _sub(remark, "Valeur", node.status_note if node is not None else "")
    _sub(element, "ETP", node.fte if node is not None and node.fte is not None else 0)
    links = list(node.links.all()) if node is not None else []
    plans = _sub(element, "Plans")
    partners = _sub(element, "Partenaires")
    for link in links:
        _sub(
            plans if link.kind == PSTNodeLink.Kind.PLAN else partners,
            "Plan" if link.kind == PSTNodeLink.Kind.PLAN else "Partenaire",
            link.name,
        )
    lines = list(node.budget_lines.all()) if node is not None else []
    articles = _sub(element, "Articles")
    for line in (line for line in lines if not line.projected):
        article = _sub(articles, "Article")
        _sub(article, "Exercice", line.year or year)
        _sub(article, "Service", "E" if line.source == BudgetSource.EXTRAORDINARY else "O")
        _sub(article, "Type", line.kind)
        _sub(article, "CodeArticle", line.article[:50])
        _sub(article, "Libelle", line.label[:255])
        _sub(article, "Montant", line.amount)
    projections = _sub(element, "Projections")
    groups: dict[tuple, list] = {}
    for line in (line for line in lines if line.projected):
        groups.setdefault((line.source, line.kind, line.economic_group, line.label), []).append(line)
    for (source, kind, group, label), group_lines in groups.items():
        projection = _sub(projections, "Projection")
        _sub(projection, "Service", "E" if source == BudgetSource.EXTRAORDINARY else "O")
        _sub(projection, "Type", kind)
        _sub(projection, "GroupeEco", group)
        _sub(projection, "Libelle", label)
        exercises = _sub(projection, "Exercices")
        for line in group_lines:
            exercise = _sub(exercises, "Exercice", Valeur=line.year or year)
            _sub(exercise, "Montant", line.amount)


def _exercise(node, year):
    raw = str((node.extra or {}).get("exercice", "")) if node is not None else ""
    return raw if re.fullmatch(r"\d{4}", raw) else year


def export(pst, nodes) -> bytes:
    """The PST as eComptes XML. ``nodes`` come with ``links``, ``budget_lines`` and ``objectives`` prefetched."""
    year = min(max(timezone.localdate().year, pst.start_year), pst.end_year)
    root = etree.Element("dataroot")
    ids = _sub(root, "Identifiants")
    ins = re.sub(r"\D", "", pst.commune.code) or "0"
    _sub(ids, "Id", f"{ins}-PST")
    _sub(ids, "TypeAdmin", "CPAS" if pst.entity == PSTEntity.CPAS else "AC")
    _sub(ids, "INS", int(ins))
    _sub(ids, "Type", "PST")
    _sub(ids, "Exercice", year)
    _sub(ids, "Version", VERSION)
    _sub(ids, "Generateur", "Territoire")
    pst_element = _sub(root, "PST")
    description = _sub(pst_element, "DescriptionPST")
    _sub(description, "IdPST", (pst.source_id or f"PST-{ins}-{pst.start_year}")[:40])
    _sub(description, "Libelle", str(pst)[:255])
    _sub(description, "ExerciceDebut", pst.start_year)
    _sub(description, "ExerciceFin", pst.end_year)
    volets = _sub(pst_element, "Volets")
    objectives = [n for n in nodes if n.level == NodeLevel.OS]
    oos = [n for n in nodes if n.level == NodeLevel.OO]
    actions = [n for n in nodes if n.level == NodeLevel.ACTION]
    actions_by_oo: dict[int, list] = {}
    for action in actions:
        for oo in action.objectives.all():
            actions_by_oo.setdefault(oo.pk, []).append(action)
    for number, (volet, label) in enumerate(Volet.choices, start=1):
        volet_element = _sub(volets, "Volet", ElementId=f"V{number}", Exercice=year)
        _write_base(volet_element, None, year, title=str(label), volet_label=str(label))
        os_container = _sub(volet_element, "ObjectifStrategiques")
        for os_node in (n for n in objectives if (n.volet or Volet.EXTERNAL) == volet):
            os_element = _sub(
                os_container, "ObjectifStrategique", ElementId=_element_id(os_node), Exercice=_exercise(os_node, year)
            )
            _write_base(os_element, os_node, year)
            oo_container = _sub(os_element, "ObjectifsOperationnels")
            for oo_node in (n for n in oos if n.parent_id == os_node.pk):
                oo_element = _sub(
                    oo_container,
                    "ObjectifOperationnel",
                    ElementId=_element_id(oo_node),
                    Exercice=_exercise(oo_node, year),
                )
                _write_base(oo_element, oo_node, year)
                action_container = _sub(oo_element, "Actions")
                for action in actions_by_oo.get(oo_node.pk, []):
                    action_element = _sub(
                        action_container, "Action", ElementId=_element_id(action), Exercice=_exercise(action, year)
                    )
                    _write_base(action_element, action, year)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _element_id(node) -> str:
    return node.element_id or node.code or f"N{node.pk}"
