"""Writes on project sheets: create, edit with their lines, change status, duplicate, create from a finding.

Every function takes its author (``by``), kept in the history, and logs key=value. What needs several
rows at once is checked here whatever the form said: prerequisites of the same mission without a cycle
(the cycle named), funding not above 100 % of the investment, findings and PST links of the sheet's
mission and commune.
"""

import logging
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from roadmap.models import (
    STATUS_TRANSITIONS,
    BudgetLine,
    FundingLine,
    ProjectSheet,
    SheetIndicator,
    SheetRisk,
    SheetStatus,
)
from roadmap.ranking import RankingError, check_prerequisites
from roadmap.selectors.costs import funding_errors, sheet_costs

logger = logging.getLogger(__name__)

LINE_MODELS = {"budget": BudgetLine, "funding": FundingLine, "risks": SheetRisk, "indicators": SheetIndicator}
CONTENT_FIELDS = (
    "title",
    "theme",
    "dimension",
    "duration_months",
    "context",
    "objectives",
    "solution_software",
    "solution_equipment",
    "solution_communication",
    "stakeholders",
    "fte_internal",
    "fte_external",
)
CODE_PATTERN = re.compile(r"^FP-(\d+)$")


def sheet_next_code(mission) -> str:
    """« FP-07 » after the highest « FP-nn » of the mission."""
    numbers = [
        int(m.group(1))
        for code in ProjectSheet.objects.for_mission(mission).values_list("code", flat=True)
        if (m := CODE_PATTERN.match(code))
    ]
    return f"FP-{max(numbers, default=0) + 1:02d}"


def sheet_create(*, mission, fields: dict, by) -> ProjectSheet:
    """Create the sheet under the next free code; a concurrent creation taking it makes us try the next."""
    for _attempt in range(5):
        sheet = ProjectSheet(mission=mission, code=sheet_next_code(mission), **fields)
        sheet._history_user = by
        try:
            with transaction.atomic():
                sheet.save()
            return sheet
        except IntegrityError:
            continue
    raise ValidationError(_("Impossible d'attribuer un code à la fiche : réessayez."))


def _check_relations(sheet, relations: dict) -> None:
    mission = sheet.mission
    for finding in relations.get("findings", ()):
        if finding.mission_id != mission.pk:
            raise ValidationError(_("« %(finding)s » n'est pas un constat de la mission.") % {"finding": finding})
    for node in relations.get("pst_links", ()):
        if node.pst.commune_id != mission.commune_id:
            raise ValidationError(_("« %(node)s » n'est pas dans le PST de la commune.") % {"node": node})
    if "prerequisites" in relations:
        _check_prerequisites(sheet, relations["prerequisites"])


def _check_prerequisites(sheet, prerequisites) -> None:
    for other in prerequisites:
        if other.pk == sheet.pk:
            raise ValidationError(_("Une fiche ne peut pas être son propre prérequis."))
        if other.mission_id != sheet.mission_id:
            raise ValidationError(
                _("« %(sheet)s » appartient à une autre mission : un prérequis est une fiche de la même mission.")
                % {"sheet": other}
            )
    rows = ProjectSheet.prerequisites.through.objects.filter(from_projectsheet__mission_id=sheet.mission_id)
    graph = {}
    for source, target in rows.values_list("from_projectsheet__code", "to_projectsheet__code"):
        graph.setdefault(source, []).append(target)
    graph[sheet.code] = [other.code for other in prerequisites]
    codes = list(ProjectSheet.objects.for_mission(sheet.mission).values_list("code", flat=True))
    try:
        check_prerequisites(codes, graph)
    except RankingError as error:
        raise ValidationError(str(error)) from error


def _sync_lines(sheet, kind: str, rows, by) -> None:
    model = LINE_MODELS[kind]
    position = 0
    for instance, values, delete in rows:
        if instance is not None and instance.sheet_id != sheet.pk:
            raise ValidationError(_("Cette ligne appartient à une autre fiche."))
        if delete:
            if instance is not None:
                instance._history_user = by
                try:
                    instance.delete()
                except ProtectedError as error:  # a followed project's commitments or spending use it
                    raise ValidationError(
                        _(
                            "La ligne « %(line)s » est utilisée par le suivi du projet : "
                            "elle ne peut pas être supprimée."
                        )
                        % {"line": instance}
                    ) from error
            continue
        position += 1
        if instance is None:
            instance = model(sheet=sheet, position=position, **values)
            instance._history_user = by
            instance.save()
        else:
            for name, value in values.items():
                setattr(instance, name, value)
            instance.position = position
            instance._history_user = by
            instance.save(update_fields=[*values, "position"])


def _check_funding(sheet) -> None:
    costs = sheet_costs(
        BudgetLine.objects.filter(sheet=sheet), FundingLine.objects.filter(sheet=sheet).select_related("call")
    )
    errors = funding_errors(costs)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def sheet_save(*, mission, sheet=None, fields: dict, relations: dict, lines: dict, by) -> ProjectSheet:
    """Create (``sheet`` None) or update a sheet with its relations and its lines, all or nothing.

    ``relations``: findings, pst_links, prerequisites (iterables of rows); ``lines``: for each of
    budget, funding, risks, indicators, rows of ``(existing line or None, values, delete)``.
    """
    fields = {name: value for name, value in fields.items() if name in CONTENT_FIELDS}
    if sheet is None:
        sheet = sheet_create(mission=mission, fields=fields, by=by)
        action = "create"
    else:
        for name, value in fields.items():
            setattr(sheet, name, value)
        sheet._history_user = by
        sheet.save(update_fields=[*fields, "updated_at"])
        action = "update"
    _check_relations(sheet, relations)
    for name, objs in relations.items():
        getattr(sheet, name).set(objs)
    for kind, rows in lines.items():
        _sync_lines(sheet, kind, rows, by)
    _check_funding(sheet)
    logger.info("sheet_%s sheet=%s mission=%s by=%s", action, sheet.pk, mission.pk, by.pk)
    return sheet


def sheet_set_status(*, sheet, status: str, by) -> ProjectSheet:
    if status not in STATUS_TRANSITIONS[SheetStatus(sheet.status)]:
        raise ValidationError(
            _("Ce changement de statut n'est pas possible depuis « %(status)s ».")
            % {"status": sheet.get_status_display()}
        )
    previous = sheet.status
    sheet.status = status
    sheet._history_user = by
    sheet.save(update_fields=["status", "updated_at"])
    logger.info("sheet_set_status sheet=%s from=%s to=%s by=%s", sheet.pk, previous, status, by.pk)
    return sheet


def sheet_create_from_finding(*, finding, by) -> ProjectSheet:
    """A draft sheet answering the finding: its statement as title, its theme, dimension and PST links."""
    from territoire.models import NodeLevel

    with transaction.atomic():
        sheet = sheet_create(
            mission=finding.mission,
            fields={"title": finding.statement[:200], "theme": finding.theme, "dimension": finding.dimension},
            by=by,
        )
        sheet.findings.set([finding])
        sheet.pst_links.set(finding.objectives.filter(level__in=[NodeLevel.OO, NodeLevel.ACTION]))
    logger.info("sheet_create_from_finding sheet=%s finding=%s by=%s", sheet.pk, finding.pk, by.pk)
    return sheet


def _line_values(line, kind: str) -> dict:
    model = LINE_MODELS[kind]
    skip = {"id", "sheet", "position"}
    return {f.attname: getattr(line, f.attname) for f in model._meta.concrete_fields if f.name not in skip}


@transaction.atomic
def sheet_duplicate(*, sheet, by) -> ProjectSheet:
    """A draft copy of the sheet under a new code, with its lines, findings, PST links and prerequisites."""
    fields = {name: getattr(sheet, name) for name in CONTENT_FIELDS}
    fields["title"] = (_("%(title)s (copie)") % {"title": sheet.title})[:200]
    copy = sheet_create(mission=sheet.mission, fields=fields, by=by)
    copy.findings.set(sheet.findings.all())
    copy.pst_links.set(sheet.pst_links.all())
    copy.prerequisites.set(sheet.prerequisites.all())
    for kind, model in LINE_MODELS.items():
        for line in model.objects.filter(sheet=sheet):
            new = model(sheet=copy, position=line.position, **_line_values(line, kind))
            new._history_user = by
            new.save()
    logger.info("sheet_duplicate sheet=%s copy=%s by=%s", sheet.pk, copy.pk, by.pk)
    return copy
