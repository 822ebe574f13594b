"""Importing the roadmap workbook (``roadmap.exports``): read it, plan what changes, then write it all or nothing.

:func:`workbook_plan` reads the file with the PST's guarded XLSX reader (zip bombs, sizes and cell counts
refused before anything grows) and compares it with the mission: each sheet of the « Fiches » tab is
created or updated (matched by code), or left as it is; a sheet absent from the tab is left untouched. A
child tab present in the file is the complete list of its lines for the sheets of the « Fiches » tab; a tab
absent leaves those lines untouched. The « Cotes » tab sets the importing consultant's own scores only.

Every row is validated with the rules the pages use (the sheet and line forms, the funding check of
``roadmap.selectors.costs``, the prerequisite check of ``roadmap.ranking``, the scale check of
``roadmap.services.scoring``); every error is listed at once, named by tab, row and column, in French.
:func:`workbook_import` plans again (the mission may have changed since the preview) and writes only when
there is no error, in one transaction, through the sheet and scoring services.

The parse runs in the request: a roadmap workbook has hundreds of rows, and the reader's caps
(``territoire.pst.grid``) bound the work whatever the file holds.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from roadmap import exports, ranking
from roadmap.forms.sheets import SHEET_FIELDS, BudgetLineForm, FundingLineForm, IndicatorForm, RiskForm, SheetForm
from roadmap.models import (
    STATUS_TRANSITIONS,
    BudgetLine,
    Criterion,
    FundingCall,
    FundingLine,
    ProjectSheet,
    Score,
    SheetIndicator,
    SheetRisk,
    SheetStatus,
)
from roadmap.ranking import RankingError, check_prerequisites
from roadmap.selectors.costs import funding_errors, sheet_costs
from roadmap.services.scoring import CellEdit, check_in_scale, has_submitted, score_version, scores_save
from roadmap.services.sheets import sheet_save, sheet_set_status
from territoire import access
from territoire.pst import PSTFileError, xlsx
from territoire.pst.grid import column_letter, is_blank

logger = logging.getLogger(__name__)

LINES = {
    "budget": (BudgetLine, BudgetLineForm, "budget_lines"),
    "funding": (FundingLine, FundingLineForm, "funding_lines"),
    "indicators": (SheetIndicator, IndicatorForm, "indicators"),
    "risks": (SheetRisk, RiskForm, "risks"),
}


@dataclass
class LinesPlan:
    kind: str
    current: int
    rows: list  # (existing line or None, values, delete) for ``sheet_save``
    changed: bool

    @property
    def label(self) -> str:
        return str(exports.LINE_TABS[self.kind][0])

    @property
    def summary(self) -> str:
        new = sum(1 for _line, _values, delete in self.rows if not delete)
        if not self.changed:
            return ngettext("%(count)s ligne, inchangée", "%(count)s lignes, inchangées", new) % {"count": new}
        return _("%(before)s → %(after)s ligne(s)") % {"before": self.current, "after": new}


@dataclass
class SheetPlan:
    code: str
    sheet: ProjectSheet | None  # None: created by the import
    fields: dict  # content fields that change (all of them for a new sheet)
    status: str | None  # the new status, None when unchanged
    lines: list[LinesPlan] = field(default_factory=list)
    prerequisites: list[str] | None = None  # codes, None when unchanged
    title: str = ""

    @property
    def action(self) -> str:
        if self.sheet is None:
            return "create"
        changed = self.fields or self.status or self.prerequisites is not None
        return "update" if changed or any(p.changed for p in self.lines) else "unchanged"

    @property
    def action_label(self) -> str:
        return {"create": _("à créer"), "update": _("à mettre à jour"), "unchanged": _("inchangée")}[self.action]

    @property
    def changed_labels(self) -> list[str]:
        """What changes on the sheet, as the French names of its fields (only its prerequisites for a new one)."""
        names = []
        if self.sheet is not None:
            names = [str(ProjectSheet._meta.get_field(name).verbose_name) for name in self.fields]
        if self.status and self.sheet is not None:
            names.append(_("statut → %(status)s") % {"status": SheetStatus(self.status).label})
        if self.prerequisites is not None:
            names.append(_("prérequis → %(codes)s") % {"codes": ", ".join(self.prerequisites) or "—"})
        return names


@dataclass
class WorkbookPlan:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sheets: list[SheetPlan] = field(default_factory=list)
    untouched: list[ProjectSheet] = field(default_factory=list)
    absent_tabs: list[str] = field(default_factory=list)
    scores: list[tuple] = field(default_factory=list)  # (sheet code, criterion, value or None, comment, Score or None)
    scores_unchanged: int = 0
    typed_codes: set = field(default_factory=set)  # every code of « Fiches », valid or not

    @property
    def counts(self) -> dict:
        actions = [p.action for p in self.sheets]
        return {action: actions.count(action) for action in ("create", "update", "unchanged")}

    @property
    def changes(self) -> bool:
        return bool(self.scores) or any(p.action != "unchanged" for p in self.sheets)


class _Tab:
    """One tab of the file: its rows by number, its columns found from the French headers."""

    def __init__(self, grid, columns, plan: WorkbookPlan):
        self.title, self.plan = grid.sheet, plan
        self.rows = grid.rows
        header = [str(cell).strip().casefold() if not is_blank(cell) else "" for cell in (grid.rows[:1] or [[]])[0]]
        self.index = {}
        for column in columns:
            if not column.field:
                continue
            wanted = str(column.header).casefold()
            if wanted in header:
                self.index[column.field] = header.index(wanted)
            else:
                plan.errors.append(
                    _("Onglet « %(tab)s » : la colonne « %(column)s » manque (ligne 1).")
                    % {"tab": self.title, "column": column.header}
                )

    @property
    def complete(self) -> bool:
        return all(name is not None for name in self.index.values())

    def records(self):
        """(row number, {field: cell}) for each row with content below the header."""
        for number, row in enumerate(self.rows[1:], start=2):
            if all(is_blank(cell) for cell in row):
                continue
            yield number, {name: (row[i] if i < len(row) else None) for name, i in self.index.items()}

    def error(self, number: int, name: str | None, message) -> None:
        if name is None:
            where = _("Onglet « %(tab)s », ligne %(row)s") % {"tab": self.title, "row": number}
        else:
            where = _("Onglet « %(tab)s », ligne %(row)s, colonne %(column)s") % {
                "tab": self.title,
                "row": number,
                "column": column_letter(self.index[name]),
            }
        self.plan.errors.append(f"{where} : {message}")

    def form_errors(self, number: int, form) -> None:
        for name, messages in form.errors.items():
            for message in messages:
                self.error(number, name if name in self.index else None, message)


def _valid(form) -> bool:
    """The page's form validation, without the model's constraint checks: Django asks the database for each
    ``CheckConstraint`` (a query per constraint per row), and the forms' own validators already say the same in
    French (amounts not negative, known choices); the database still holds the constraints when writing. Rows
    of « Financements » naming a call still cost one query each (the call's field looks it up)."""
    form.instance.validate_constraints = lambda exclude=None: None
    form.validate_unique = lambda: None
    return form.is_valid()


def _text(value) -> str:
    """A cell as the text a form would receive."""
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.strftime("%Y")  # only a year is ever a date by mistake (a formatted « 2027 »)
    return str(value).strip()


def _choice(tab: _Tab, number: int, name: str, choices, value) -> str | None:
    """A choice typed as its French label (as exported) or its code; None (and an error) when unknown."""
    text = _text(value)
    if not text:
        return ""
    for code, label in choices:
        if text.casefold() in (str(label).casefold(), str(code).casefold()):
            return code
    tab.error(
        number,
        name,
        _("valeur « %(value)s » inconnue (valeurs possibles : %(choices)s)")
        % {"value": text[:60], "choices": ", ".join(f"« {label} »" for _code, label in choices)},
    )
    return None


def _unknown_sheet(tab: _Tab, number: int, code: str) -> None:
    """A line of a sheet absent from « Fiches » (a sheet whose own row was refused is reported there only)."""
    if code not in tab.plan.typed_codes:
        tab.error(
            number,
            "sheet",
            _("la fiche « %(code)s » n'est pas dans l'onglet « %(tab)s »")
            % {"code": code[:30], "tab": exports.SHEETS_TAB},
        )


def _model_choices(model, name):
    return model._meta.get_field(name).choices


def _grids(data: bytes, plan: WorkbookPlan) -> dict:
    try:
        grids = xlsx.read_all(data)
    except PSTFileError as error:
        plan.errors.append(str(error))
        return {}
    found = {}
    for grid in grids:
        found.setdefault(grid.sheet.strip().casefold(), grid)
        plan.warnings.extend(grid.warnings())
    return found


def _tab(grids, title, columns, plan) -> _Tab | None:
    grid = grids.get(str(title).casefold())
    if grid is None:
        plan.absent_tabs.append(str(title))
        return None
    return _Tab(grid, columns, plan)


def _plan_sheets(tab: _Tab, mission, existing: dict, plan: WorkbookPlan) -> dict:
    """code → SheetPlan for each valid row of « Fiches »."""
    found, seen = {}, {}
    for number, record in tab.records():
        code = _text(record["code"])
        if not code:
            tab.error(number, "code", _("le code de la fiche manque"))
            continue
        if len(code) > 20:
            tab.error(number, "code", _("le code « %(code)s » dépasse 20 caractères") % {"code": code[:30]})
            continue
        if code.casefold() in seen:
            tab.error(
                number,
                "code",
                _("le code « %(code)s » figure déjà ligne %(row)s") % {"code": code, "row": seen[code.casefold()]},
            )
            continue
        seen[code.casefold()] = number
        plan.typed_codes.add(code)
        sheet = existing.get(code)
        status = _choice(tab, number, "status", SheetStatus.choices, record["status"])
        values = {}
        bad = status is None
        for name in ("theme", "dimension"):
            values[name] = _choice(tab, number, name, _model_choices(ProjectSheet, name), record[name])
            bad |= values[name] is None
        # A fresh instance: the stored sheet's relations would be loaded (a query each) for nothing.
        form = SheetForm(
            {name: values.get(name, _text(record[name])) for name in SHEET_FIELDS},
            mission=mission,
            instance=ProjectSheet(mission=mission),
        )
        if not _valid(form):
            tab.form_errors(number, form)
            continue
        if bad:
            continue
        fields = {name: form.cleaned_data[name] for name in SHEET_FIELDS}
        if sheet is not None:
            fields = {name: value for name, value in fields.items() if getattr(sheet, name) != value}
            if status and status != sheet.status:
                if status not in STATUS_TRANSITIONS[SheetStatus(sheet.status)]:
                    tab.error(
                        number,
                        "status",
                        _("la fiche ne peut pas passer de « %(old)s » à « %(new)s »")
                        % {"old": sheet.get_status_display(), "new": SheetStatus(status).label},
                    )
                    continue
            else:
                status = None
        found[code] = SheetPlan(code, sheet, fields, status or (SheetStatus.DRAFT if sheet is None else None))
        found[code].title = fields.get("title") or (sheet.title if sheet else "")
    return found


def _fields(form_class) -> list[str]:
    """The line form's own fields: building the sheet page's formsets appends « sheet » to the forms' ``fields``
    (Django's inline formsets do that to the Meta they share), so it is left out here as in ``formset_rows``."""
    return [name for name in form_class._meta.fields if name not in ("id", "sheet")]


def _line_values(kind: str, line) -> dict:
    form_class = LINES[kind][1]
    return {name: getattr(line, name if name != "call" else "call_id") for name in _fields(form_class)}


def _plan_lines(kind, tab: _Tab, sheets: dict, calls: dict, plan: WorkbookPlan) -> dict:
    """code → [values] of the valid rows of a line tab (rows of unknown sheets are errors)."""
    model, form_class, _relation = LINES[kind]
    found = {code: [] for code in sheets}
    for number, record in tab.records():
        code = _text(record["sheet"])
        if code not in sheets:
            _unknown_sheet(tab, number, code)
            continue
        data, bad = {}, False
        for name in _fields(form_class):
            value = record.get(name)
            model_field = model._meta.get_field(name)
            if name == "call":
                text = _text(value)
                data[name] = calls.get(text.casefold(), "") if text else ""
                if text and not data[name]:
                    tab.error(number, name, _("appel à projets « %(name)s » inconnu") % {"name": text[:80]})
                    bad = True
            elif model_field.choices:
                data[name] = _choice(tab, number, name, model_field.choices, value)
                bad |= data[name] is None
            else:
                data[name] = _text(value)
        if bad:
            continue
        form = form_class(data)
        if not _valid(form):
            tab.form_errors(number, form)
            continue
        found[code].append({name: form.cleaned_data[name] for name in _fields(form_class)})
    return found


def _lines_plan(kind: str, sheet, rows: list[dict]) -> LinesPlan:
    current = list(getattr(sheet, LINES[kind][2]).all()) if sheet is not None else []
    wanted = [{k: (v.pk if k == "call" and v is not None else v) for k, v in row.items()} for row in rows]
    changed = [_line_values(kind, line) for line in current] != wanted
    # Lines are updated in place in their order (their history stays), the extra ones added or deleted.
    plan_rows = [(line, values, False) for line, values in zip(current, rows, strict=False)]
    plan_rows += [(None, values, False) for values in rows[len(current) :]]
    plan_rows += [(line, {}, True) for line in current[len(rows) :]]
    return LinesPlan(kind, len(current), plan_rows, changed)


def _check_funding(sheets: dict, lines: dict, plan: WorkbookPlan) -> None:
    """The funding of each sheet of the file, as it will be, checked as the sheet's page checks it."""
    for code, sheet_plan in sheets.items():
        sheet = sheet_plan.sheet
        budget = [BudgetLine(**values) for values in lines["budget"][code]] if "budget" in lines else None
        funding = [FundingLine(**values) for values in lines["funding"][code]] if "funding" in lines else None
        if budget is None:
            budget = list(sheet.budget_lines.all()) if sheet else []
        if funding is None:
            funding = list(sheet.funding_lines.all()) if sheet else []
        for message in funding_errors(sheet_costs(budget, funding)):
            plan.errors.append(
                _("Onglet « %(tab)s », fiche %(code)s : %(message)s")
                % {"tab": exports.FUNDING_TAB, "code": code, "message": message}
            )


def _plan_prerequisites(tab: _Tab, sheets: dict, existing: dict, plan: WorkbookPlan) -> None:
    wanted = {code: [] for code in sheets}
    known = set(existing) | set(sheets)
    errors_before = len(plan.errors)
    for number, record in tab.records():
        code, needed = _text(record["sheet"]), _text(record["prerequisite"])
        if code not in sheets:
            _unknown_sheet(tab, number, code)
        elif needed == code:
            tab.error(number, "prerequisite", str(ranking.SelfPrerequisite(code)))
        elif needed not in known:
            tab.error(number, "prerequisite", _("la fiche « %(code)s » n'existe pas") % {"code": needed[:30]})
        elif needed not in wanted[code]:
            wanted[code].append(needed)
    if len(plan.errors) > errors_before:
        return
    graph = {
        sheet.code: [other.code for other in sheet.prerequisites.all()]
        for sheet in existing.values()
        if sheet.code not in sheets
    }
    graph.update(wanted)
    try:
        check_prerequisites(sorted(known), graph)
    except RankingError as error:
        plan.errors.append(_("Onglet « %(tab)s » : %(message)s") % {"tab": tab.title, "message": str(error)})
        return
    for code, sheet_plan in sheets.items():
        current = sorted(p.code for p in sheet_plan.sheet.prerequisites.all()) if sheet_plan.sheet else []
        if sorted(wanted[code]) != current:
            sheet_plan.prerequisites = wanted[code]


def _plan_scores(tab: _Tab, mission, user, sheets: dict, existing: dict, plan: WorkbookPlan) -> None:
    records = list(tab.records())
    if not records:
        return
    if not access.can_score(user, mission):
        plan.errors.append(
            _("Onglet « %(tab)s » : vous ne cotez pas cette mission ; videz cet onglet pour importer le reste.")
            % {"tab": tab.title}
        )
        return
    criteria = {c.code.casefold(): c for c in Criterion.objects.for_mission(mission)}
    current = {
        (s.sheet.code, s.criterion_id): s
        for s in Score.objects.filter(sheet__mission=mission, consultant=user).select_related("sheet")
    }
    submitted = has_submitted(mission=mission, consultant=user)
    seen = {}
    for number, record in records:
        code, criterion_code = _text(record["sheet"]), _text(record["criterion"])
        criterion = criteria.get(criterion_code.casefold())
        if code not in sheets and code not in existing:
            tab.error(number, "sheet", _("la fiche « %(code)s » n'existe pas") % {"code": code[:30]})
            continue
        if criterion is None:
            tab.error(
                number,
                "criterion",
                _("critère « %(code)s » inconnu (critères de la mission : %(codes)s)")
                % {"code": criterion_code[:30], "codes": ", ".join(c.code for c in criteria.values()) or "—"},
            )
            continue
        if (code, criterion.pk) in seen:
            tab.error(number, None, _("cette note figure déjà ligne %(row)s") % {"row": seen[(code, criterion.pk)]})
            continue
        seen[(code, criterion.pk)] = number
        raw, value = record["value"], None
        if not is_blank(raw):
            if isinstance(raw, int | float) and not isinstance(raw, bool) and float(raw).is_integer():
                value = int(raw)
            elif isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
                value = int(raw.strip())
            else:
                tab.error(number, "value", _("la note doit être un nombre entier"))
                continue
            try:
                check_in_scale(ProjectSheet(code=code), criterion, value)
            except ValidationError as error:
                tab.error(number, "value", error.messages[0])
                continue
        comment = _text(record["comment"])
        score = current.get((code, criterion.pk))
        unchanged = (score.value, score.comment) == (value, comment) if score is not None else value is None
        if unchanged:
            plan.scores_unchanged += 1
            continue
        if submitted:
            tab.error(
                number,
                "value",
                _("votre cotation est soumise : elle ne se modifie plus par import"),
            )
            continue
        plan.scores.append((code, criterion, value, comment, score))


def workbook_plan(*, mission, data: bytes, user) -> WorkbookPlan:
    """What importing ``data`` into ``mission`` would do, or every reason it cannot (``plan.errors``)."""
    plan = WorkbookPlan()
    grids = _grids(data, plan)
    if plan.errors:
        return plan
    sheets_tab = _tab(grids, exports.SHEETS_TAB, exports.SHEET_COLUMNS, plan)
    if sheets_tab is None:
        plan.errors.append(
            _("Le classeur n'a pas d'onglet « %(tab)s » : partez de l'export de la feuille de route.")
            % {"tab": exports.SHEETS_TAB}
        )
        return plan
    existing = {
        sheet.code: sheet
        for sheet in ProjectSheet.objects.for_mission(mission).prefetch_related(
            "budget_lines", "funding_lines__call", "indicators", "risks", "prerequisites"
        )
    }
    sheets = _plan_sheets(sheets_tab, mission, existing, plan) if sheets_tab.complete else {}
    calls = {call.name.casefold(): call.pk for call in FundingCall.objects.all()}
    lines = {}
    for kind, (title, columns) in exports.LINE_TABS.items():
        tab = _tab(grids, title, columns, plan)
        if tab is not None and tab.complete:
            lines[kind] = _plan_lines(kind, tab, sheets, calls, plan)
    prerequisites = _tab(grids, exports.PREREQUISITES_TAB, exports.PREREQUISITE_COLUMNS, plan)
    if prerequisites is not None and prerequisites.complete:
        _plan_prerequisites(prerequisites, sheets, existing, plan)
    scores = _tab(grids, exports.SCORES_TAB, exports.SCORE_COLUMNS, plan)
    if scores is not None and scores.complete:
        _plan_scores(scores, mission, user, sheets, existing, plan)
    if plan.errors:
        return plan
    _check_funding(sheets, lines, plan)
    for code, sheet_plan in sheets.items():
        for kind in lines:
            sheet_plan.lines.append(_lines_plan(kind, sheet_plan.sheet, lines[kind][code]))
    plan.sheets = list(sheets.values())
    plan.untouched = [sheet for code, sheet in sorted(existing.items()) if code not in sheets]
    return plan


@transaction.atomic
def workbook_import(*, mission, data: bytes, by) -> WorkbookPlan:
    """Plan the import again and write it all, or raise ``ValidationError`` with every error and write nothing."""
    plan = workbook_plan(mission=mission, data=data, user=by)
    if plan.errors:
        raise ValidationError(plan.errors)
    by_code = {}
    for sheet_plan in plan.sheets:
        sheet = sheet_plan.sheet
        if sheet_plan.action == "unchanged":
            by_code[sheet_plan.code] = sheet
            continue
        if sheet is None:
            sheet = ProjectSheet(mission=mission, code=sheet_plan.code, status=sheet_plan.status, **sheet_plan.fields)
            sheet._history_user = by
            sheet.save()
            fields = {}
        else:
            fields = sheet_plan.fields
            if sheet_plan.status:
                sheet_set_status(sheet=sheet, status=sheet_plan.status, by=by)
        lines = {p.kind: p.rows for p in sheet_plan.lines if p.changed}
        if fields or lines:
            sheet_save(mission=mission, sheet=sheet, fields=fields, relations={}, lines=lines, by=by)
        by_code[sheet_plan.code] = sheet
    # Prerequisites last, once every sheet exists; cleared first so that no intermediate state is a cycle.
    moved = [p for p in plan.sheets if p.prerequisites is not None]
    for sheet_plan in moved:
        by_code[sheet_plan.code].prerequisites.clear()
    others = {s.code: s for s in ProjectSheet.objects.for_mission(mission)}
    for sheet_plan in moved:
        by_code[sheet_plan.code].prerequisites.set([others[code] for code in sheet_plan.prerequisites])
    if plan.scores:
        edits = [
            CellEdit(others[code], criterion, value, comment, score_version(score))
            for code, criterion, value, comment, score in plan.scores
        ]
        result = scores_save(mission=mission, consultant=by, edits=edits, by=by)
        if result.conflicts:
            raise ValidationError(_("Vos notes ont été modifiées ailleurs entre-temps : relancez l'import."))
    logger.info(
        "roadmap_workbook_imported mission=%s sheets=%s scores=%s by=%s",
        mission.pk,
        sum(1 for p in plan.sheets if p.action != "unchanged"),
        len(plan.scores),
        by.pk,
    )
    return plan
