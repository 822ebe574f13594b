"""The library of sheet templates: save a sheet as a template, create a sheet from a template.

A template's content is a JSON copy of a sheet's texts and lines (no findings, PST links or prerequisites:
those belong to one mission). Amounts travel as strings so that Decimals come back exact.
"""

import logging
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from roadmap.models import BudgetLine, SheetIndicator, SheetRisk, SheetTemplate
from roadmap.services.sheets import CONTENT_FIELDS, sheet_create

logger = logging.getLogger(__name__)

TEXT_FIELDS = [n for n in CONTENT_FIELDS if n not in ("title", "theme", "dimension")]
LINES = {
    "budget": (BudgetLine, ("label", "category", "kind", "amount", "vat_rate", "year")),
    "risks": (SheetRisk, ("risk", "likelihood", "mitigation")),
    "indicators": (SheetIndicator, ("indicator", "target", "unit")),
}
DECIMALS = {"amount", "vat_rate", "fte_internal", "fte_external"}


def _dump(value):
    return str(value) if isinstance(value, Decimal) else value


def _load(name, value):
    if name in DECIMALS and value not in (None, ""):
        try:
            return Decimal(str(value))
        except InvalidOperation as error:
            raise ValidationError(
                _("Le modèle contient un montant illisible : « %(value)s ».") % {"value": value}
            ) from error
    return value


def template_save_from_sheet(*, sheet, name: str, by) -> SheetTemplate:
    content = {field: _dump(getattr(sheet, field)) for field in TEXT_FIELDS}
    for key, (model, fields) in LINES.items():
        content[key] = [{f: _dump(getattr(line, f)) for f in fields} for line in model.objects.filter(sheet=sheet)]
    template = SheetTemplate.objects.create(
        name=name, owner=by, theme=sheet.theme, dimension=sheet.dimension, content=content
    )
    logger.info("template_save_from_sheet template=%s sheet=%s by=%s", template.pk, sheet.pk, by.pk)
    return template


@transaction.atomic
def sheet_create_from_template(*, mission, template, by):
    content = template.content or {}
    fields = {field: _load(field, content[field]) for field in TEXT_FIELDS if field in content}
    fields.update(title=template.name[:200], theme=template.theme, dimension=template.dimension)
    sheet = sheet_create(mission=mission, fields=fields, by=by)
    for key, (model, names) in LINES.items():
        for position, row in enumerate(content.get(key) or [], start=1):
            line = model(sheet=sheet, position=position, **{n: _load(n, row.get(n)) for n in names if n in row})
            line._history_user = by
            line.full_clean(exclude=["sheet"])
            line.save()
    logger.info("sheet_create_from_template sheet=%s template=%s by=%s", sheet.pk, template.pk, by.pk)
    return sheet


def template_delete(*, template, by) -> None:
    if template.owner_id != by.pk:
        raise ValidationError(_("Seul le consultant qui a enregistré ce modèle peut le supprimer."))
    logger.info("template_delete template=%s by=%s", template.pk, by.pk)
    template.delete()
