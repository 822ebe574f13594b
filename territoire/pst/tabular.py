"""Rows of a spreadsheet + the column mapping → the normalized payload (see ``territoire.pst``).

Two shapes are understood, and mixed:

* one row per action with its OS and OO in their own columns (repeated, or left blank / merged
  below the first row: a blank OS or OO cell means « same as above »);
* a single code/title pair, the level of each row told by its code (``OS.1``, ``OO 1.2``, ``1.2.3``,
  ``A.1.2.3``) or by a « Niveau » column, OS and OO rows sitting above their actions.
"""

import re
from functools import partial

from django.utils.translation import gettext as _

from territoire.models import NodeLevel
from territoire.pst import values

LEVEL_WORDS = {
    "os": NodeLevel.OS,
    "objectifstrategique": NodeLevel.OS,
    "oo": NodeLevel.OO,
    "objectifoperationnel": NodeLevel.OO,
    "action": NodeLevel.ACTION,
    "projet": NodeLevel.ACTION,
    "a": NodeLevel.ACTION,
}


def level_from_code(code: str) -> str | None:
    word = values.normalize(code)
    if word.startswith("os"):
        return NodeLevel.OS
    if word.startswith("oo"):
        return NodeLevel.OO
    if re.match(r"^(a|act|action|p|pr|projet)\d", word):
        return NodeLevel.ACTION
    parts = re.findall(r"\d+", code)
    if re.fullmatch(r"[\d\s.\-]+", code.strip()) and parts:
        return {1: NodeLevel.OS, 2: NodeLevel.OO}.get(len(parts), NodeLevel.ACTION)
    return None


class Builder:
    """Collects nodes in file order, merging repeated OS/OO rows and recording errors."""

    def __init__(self):
        self.nodes: dict[tuple[str, str], dict] = {}
        self.errors: list[dict] = []

    def error(self, row: int | None, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": str(message)})

    def node(self, level, code, title, row, column) -> dict | None:
        code = values.text(code)[:60]
        title = values.text(title)
        if not code and not title:
            return None
        key = values.code_key(code) if code else "t:" + values.normalize(title)[:200]
        existing = self.nodes.get((level, key))
        if existing is None:
            node = {"level": level, "code": code, "key": key, "title": (title or code)[:500], "row": row}
            node.update(parent=None, objectives=[], budget_lines=[], links=[], indicators=[], extra={})
            self.nodes[(level, key)] = node
            return node
        if title and existing["title"] != title[:500] and existing["title"] != existing["code"]:
            self.error(
                row,
                column,
                _(
                    "Le code « %(code)s » désigne déjà « %(other)s » (ligne %(line)s) : deux éléments ne peuvent "
                    "pas porter le même code."
                )
                % {"code": code, "other": existing["title"], "line": existing["row"]},
            )
            return None
        if title and existing["title"] == existing["code"]:
            existing["title"] = title[:500]
        return existing


def parse_rows(rows: list[list], header_index: int, columns: list[str]) -> dict:
    header = [values.text(h) for h in rows[header_index]]
    builder = Builder()
    by_field = {field: i for i, field in enumerate(columns) if field}
    labels = {
        field: (header[i] if i < len(header) and header[i] else f"{_('colonne')} {i + 1}")
        for field, i in by_field.items()
    }
    if not by_field.keys() & {"code", "title", "os_code", "oo_code", "os_title", "oo_title"}:
        builder.error(
            header_index + 1,
            "",
            _(
                "Aucune colonne ne donne le code ou l'intitulé des éléments du PST : choisissez-les dans la "
                "correspondance des colonnes."
            ),
        )
        return {"nodes": [], "errors": builder.errors}
    columns_shape = bool(by_field.keys() & {"os_code", "os_title", "oo_code", "oo_title"})
    current_os = current_oo = None
    seen_action_in_oo: dict[tuple[str, str], int] = {}
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        number = index + 1
        cell = partial(_cell, row, by_field)
        if all(values.is_blank(v) for v in row):
            continue
        volet = _parse(builder, number, labels, "volet", values.volet, cell("volet"))
        if columns_shape:
            os_code, os_title = cell("os_code"), cell("os_title")
            if not values.is_blank(os_code) or not values.is_blank(os_title):
                found = builder.node(
                    NodeLevel.OS, os_code, os_title, number, labels.get("os_code", labels.get("os_title"))
                )
                if found is not None and found is not current_os:
                    current_os, current_oo = found, None
            oo_code, oo_title = cell("oo_code"), cell("oo_title")
            if not values.is_blank(oo_code) or not values.is_blank(oo_title):
                found = builder.node(
                    NodeLevel.OO, oo_code, oo_title, number, labels.get("oo_code", labels.get("oo_title"))
                )
                if found is not None:
                    current_oo = found
                    _attach_oo(builder, found, current_os, number, labels.get("oo_code", labels.get("oo_title")))
            level = NodeLevel.ACTION
        else:
            level = _row_level(builder, number, labels, cell("level"), values.text(cell("code")))
            if level is None:
                continue
        code, title = cell("code"), cell("title")
        if values.is_blank(code) and values.is_blank(title):
            target = current_oo if columns_shape and current_oo else current_os if columns_shape else None
            if target is not None and volet:
                target.setdefault("volet", volet)
            continue
        column = labels.get("code", labels.get("title", ""))
        node = builder.node(level, code, title, number, column)
        if node is None:
            continue
        if level == NodeLevel.OS:
            current_os, current_oo = node, None
        elif level == NodeLevel.OO:
            current_oo = node
            _attach_oo(builder, node, current_os, number, column)
        else:
            if current_oo is None:
                builder.error(
                    number,
                    column,
                    _(
                        "L'action « %(code)s » n'est rattachée à aucun objectif opérationnel : placez-la sous un OO "
                        "ou remplissez la colonne de l'OO."
                    )
                    % {"code": node["code"] or node["title"][:60]},
                )
                continue
            pair = (node["key"], current_oo["key"])
            if pair in seen_action_in_oo and seen_action_in_oo[pair] != number:
                builder.error(
                    number,
                    column,
                    _(
                        "L'action « %(code)s » figure deux fois sous le même objectif opérationnel "
                        "(lignes %(first)s et %(line)s)."
                    )
                    % {"code": node["code"] or node["title"][:60], "first": seen_action_in_oo[pair], "line": number},
                )
                continue
            seen_action_in_oo[pair] = number
            if current_oo["key"] not in node["objectives"]:
                node["objectives"].append(current_oo["key"])
        if volet:
            node["volet"] = volet
            if current_os is not None and not current_os.get("volet"):
                current_os["volet"] = volet
        _read_details(builder, node, cell, number, labels, by_field)
    nodes = list(builder.nodes.values())
    _inherit_volet(nodes)
    return {"nodes": nodes, "errors": builder.errors}


def _cell(row: list, by_field: dict, field: str):
    index = by_field.get(field)
    return row[index] if index is not None and index < len(row) else None


def _attach_oo(builder, oo, current_os, number, column):
    if current_os is None:
        builder.error(
            number,
            column,
            _("L'objectif opérationnel « %(code)s » n'a pas d'objectif stratégique au-dessus de lui.")
            % {"code": oo["code"] or oo["title"][:60]},
        )
        return
    if oo["parent"] and oo["parent"] != current_os["key"]:
        builder.error(
            number,
            column,
            _("L'objectif opérationnel « %(code)s » est déjà rattaché à un autre objectif stratégique.")
            % {"code": oo["code"] or oo["title"][:60]},
        )
        return
    oo["parent"] = current_os["key"]


def _row_level(builder, number, labels, level_cell, code):
    word = values.normalize(level_cell)
    if word:
        for prefix, level in LEVEL_WORDS.items():
            if word == prefix or word.startswith(prefix) and len(prefix) > 2:
                return level
        builder.error(
            number,
            labels.get("level", ""),
            _("Niveau « %(value)s » inconnu : écrivez OS, OO ou action.") % {"value": values.text(level_cell)},
        )
        return None
    level = level_from_code(code) if code else None
    if level is None:
        builder.error(
            number,
            labels.get("code", labels.get("title", "")),
            _(
                "Impossible de savoir si cette ligne est un OS, un OO ou une action : donnez-lui un code "
                "(OS.1, OO.1.2, A.1.2.3) ou ajoutez une colonne « Niveau »."
            ),
        )
    return level


def _parse(builder, number, labels, field, parser, raw, **kwargs):
    if field not in labels or values.is_blank(raw):
        return None
    try:
        return parser(raw, **kwargs)
    except ValueError as error:
        builder.error(number, labels[field], str(error))
        return None


def _read_details(builder, node, cell, number, labels, by_field):
    simple = {
        "description": values.text,
        "service": values.text,
        "responsible": values.text,
        "political_lead": values.text,
        "state": values.state,
        "budget_source": values.budget_source,
    }
    for field, parser in simple.items():
        value = _parse(builder, number, labels, field, parser, cell(field))
        if value:
            node[field] = value[:200] if field in ("service", "responsible", "political_lead") else value
    for field, parser, kwargs in (
        ("start_date", values.to_date, {}),
        ("end_date", values.to_date, {"end": True}),
    ):
        value = _parse(builder, number, labels, field, parser, cell(field), **kwargs)
        if value is not None:
            node[field] = value.isoformat()
    if node.get("start_date") and node.get("end_date") and node["end_date"] < node["start_date"]:
        builder.error(number, labels["end_date"], _("La date de fin précède la date de début."))
    budget = _parse(builder, number, labels, "budget", values.amount, cell("budget"))
    if budget is not None:
        node["budget"] = str(budget)
    progress = _parse(builder, number, labels, "progress", values.percent, cell("progress"))
    if progress is not None:
        node["progress"] = progress
    fte = _parse(builder, number, labels, "fte", values.decimal, cell("fte"), maximum=10000)
    if fte is not None:
        node["fte"] = str(fte)
    for field, kind in (("plans", "plan"), ("partners", "partner")):
        for name in values.names(cell(field)) if field in labels else []:
            link = {"kind": kind, "name": name[:255]}
            if link not in node["links"]:
                node["links"].append(link)
    for field in by_field:
        if field.startswith("year:"):
            value = _parse(builder, number, {field: labels[field]}, field, values.amount, cell(field))
            if value:
                line = {
                    "year": int(field[5:]),
                    "source": node.get("budget_source") or "ordinary",
                    "kind": "D",
                    "amount": str(value),
                    "projected": True,
                }
                if line not in node["budget_lines"]:
                    node["budget_lines"].append(line)
    indicator = values.text(cell("indicator")) if "indicator" in labels else ""
    if indicator:
        expected = _parse(builder, number, labels, "indicator_expected", values.decimal, cell("indicator_expected"))
        reached = _parse(builder, number, labels, "indicator_reached", values.decimal, cell("indicator_reached"))
        year = int(node["end_date"][:4]) if node.get("end_date") else None
        row = {"name": indicator[:255], "year": year, "expected": _str(expected), "reached": _str(reached)}
        if row not in node["indicators"]:
            node["indicators"].append(row)


def _str(value):
    return None if value is None else str(value)


def _inherit_volet(nodes):
    by_key = {(n["level"], n["key"]): n for n in nodes}
    for level, parent_of in (
        (NodeLevel.OO, lambda n: by_key.get((NodeLevel.OS, n["parent"]))),
        (NodeLevel.ACTION, lambda n: by_key.get((NodeLevel.OO, n["objectives"][0])) if n["objectives"] else None),
    ):
        for node in nodes:
            if node["level"] == level and not node.get("volet"):
                parent = parent_of(node)
                if parent and parent.get("volet"):
                    node["volet"] = parent["volet"]
