"""Writes on a CSC: creation with its sections, section by section edits, requirements, lots, criteria, the
draft from the project sheet and the reuse of a section from one of the consultant's earlier CSCs."""

import logging
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from projects.models import (
    AwardCriterion,
    ChecklistAnswer,
    CriterionKind,
    Lot,
    Priority,
    Requirement,
    SectionKind,
    Specification,
    SpecSection,
    SpecStatus,
)
from projects.selectors.specifications import reusable_sections
from roadmap.models import BudgetCategory

logger = logging.getLogger(__name__)

# Budget categories of the sheet → the lot they fall in (application, equipment, support).
LOT_OF_CATEGORY = {
    BudgetCategory.DEVELOPMENT: "application",
    BudgetCategory.LICENCES: "application",
    BudgetCategory.EQUIPMENT: "equipment",
    BudgetCategory.SUPPORT: "support",
    BudgetCategory.TRAINING: "support",
    BudgetCategory.COMMUNICATION: "support",
    BudgetCategory.OTHER: "support",
}


def lot_titles() -> dict[str, str]:
    return {
        "application": _("Application et logiciels"),
        "equipment": _("Équipements et infrastructure"),
        "support": _("Accompagnement, formation et communication"),
    }


def default_technical_requirements() -> list[tuple[str, str]]:
    """The technical requirements every CSC of a commune starts with (text, priority)."""
    return [
        (
            _(
                "Les données sont stockées et exportables dans des formats ouverts et documentés "
                "(CSV, JSON, GeoJSON, ODF) sans surcoût."
            ),
            Priority.MUST,
        ),
        (
            _(
                "La solution expose une API documentée (OpenAPI) permettant la lecture et l’écriture des données "
                "par d’autres applications de la commune."
            ),
            Priority.MUST,
        ),
        (
            _(
                "Réversibilité : en fin de marché, le prestataire restitue l’ensemble des données et de la "
                "documentation et assiste la migration vers une autre solution."
            ),
            Priority.MUST,
        ),
        (
            _("La commune reste seule propriétaire des données produites ou collectées dans le cadre du marché."),
            Priority.MUST,
        ),
        (
            _(
                "Le traitement des données à caractère personnel respecte le RGPD : contrat de sous-traitance "
                "(art. 28), hébergement dans l’Union européenne, registre des traitements."
            ),
            Priority.MUST,
        ),
        (
            _("Les interfaces destinées au public respectent le niveau AA des WCAG 2.1 (norme EN 301 549)."),
            Priority.MUST,
        ),
    ]


def specification_create(*, project, title: str, by) -> Specification:
    """A draft CSC with one empty section of each kind, a price criterion and a quality criterion (60/40)."""
    with transaction.atomic():
        specification = Specification.objects.create(project=project, title=title, created_by=by)
        SpecSection.objects.bulk_create(SpecSection(specification=specification, kind=kind) for kind in SectionKind)
        AwardCriterion.objects.bulk_create(
            [
                AwardCriterion(
                    specification=specification, label=_("Prix"), kind=CriterionKind.PRICE, weight=60, position=1
                ),
                AwardCriterion(
                    specification=specification,
                    label=_("Qualité technique de l’offre"),
                    kind=CriterionKind.QUALITY,
                    weight=40,
                    position=2,
                ),
            ]
        )
    logger.info("specification_created id=%s project=%s by=%s", specification.pk, project.pk, by.pk)
    return specification


def section_update(*, section: SpecSection, body: str, by) -> SpecSection:
    section.body = body
    section.save(update_fields=["body"])
    return section


def _join(*parts) -> str:
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


# Which section of the CSC the team's notes on each SPMM checklist topic feed when drafting (the topics are
# those seeded in projects/migrations/0003_phases.py; a topic renamed in the admin simply stops feeding one).
CHECKLIST_TOPIC_SECTIONS = {
    "Besoin": SectionKind.CONTEXT,
    "Alignement stratégique (PST)": SectionKind.CONTEXT,
    "Volonté politique": SectionKind.CONTEXT,
    "Parties prenantes": SectionKind.NEEDS,
    "Citoyens et usagers": SectionKind.NEEDS,
    "Objectifs": SectionKind.NEEDS,
    "Fondations techniques": SectionKind.TECHNICAL,
    "Données et RGPD": SectionKind.TECHNICAL,
    "Interopérabilité": SectionKind.TECHNICAL,
    "Planning": SectionKind.DURATION,
}


def checklist_notes(project) -> dict[str, str]:
    """Section kind → the team's notes on the SPMM checklist questions that feed it ("Topic : note"), in the
    order of the phases and questions. One query."""
    notes = defaultdict(list)
    answers = (
        ChecklistAnswer.objects.filter(project=project, question__topic__in=CHECKLIST_TOPIC_SECTIONS)
        .exclude(note="")
        .select_related("question")
        .order_by("question__phase", "question__order")
    )
    for answer in answers:
        notes[CHECKLIST_TOPIC_SECTIONS[answer.question.topic]].append(
            f"{answer.question.topic} : {answer.note.strip()}"
        )
    return {kind: "\n\n".join(lines) for kind, lines in notes.items()}


def specification_draft_from_sheet(*, specification: Specification, by) -> list[str]:
    """Fill the empty sections (object, context, needs, technical, duration), the lots and the default technical
    requirements from the project's sheet and the team's notes on the SPMM checklists; what a person already
    wrote is kept. Returns the labels of what was filled."""
    sheet = specification.project.sheet
    sections = {section.kind: section for section in specification.sections.all()}
    notes = checklist_notes(specification.project)
    filled = []
    texts = {
        SectionKind.OBJECT: _join(
            _("Le présent marché a pour objet : %(title)s.") % {"title": sheet.title}, sheet.objectives
        ),
        SectionKind.CONTEXT: _join(sheet.context, notes.get(SectionKind.CONTEXT, "")),
        SectionKind.TECHNICAL: notes.get(SectionKind.TECHNICAL, ""),
        SectionKind.DURATION: notes.get(SectionKind.DURATION, ""),
        SectionKind.NEEDS: _join(
            *(
                f"{label} : {text.strip()}"
                for label, text in (
                    (_("Application / logiciel"), sheet.solution_software),
                    (_("Équipement / infrastructure"), sheet.solution_equipment),
                    (_("Communication / accompagnement"), sheet.solution_communication),
                )
                if text.strip()
            ),
            notes.get(SectionKind.NEEDS, ""),
        ),
    }
    with transaction.atomic():
        for kind, text in texts.items():
            section = sections[kind]
            if text and not section.body.strip():
                section_update(section=section, body=text, by=by)
                filled.append(str(section.get_kind_display()))
        if not specification.lots.exists():
            amounts = defaultdict(Decimal)
            for line in sheet.budget_lines.all():
                amounts[LOT_OF_CATEGORY.get(line.category, "support")] += line.amount
            titles = lot_titles()
            lots = [
                Lot(specification=specification, number=number, title=titles[key], estimated_amount=amounts[key])
                for number, key in enumerate((key for key in titles if key in amounts), start=1)
            ]
            Lot.objects.bulk_create(lots)
            if lots:
                filled.append(str(SectionKind.LOTS.label))
        if not specification.requirements.filter(section=SectionKind.TECHNICAL).exists():
            Requirement.objects.bulk_create(
                Requirement(
                    specification=specification,
                    section=SectionKind.TECHNICAL,
                    text=text,
                    priority=priority,
                    position=position,
                )
                for position, (text, priority) in enumerate(default_technical_requirements(), start=1)
            )
            filled.append(str(SectionKind.TECHNICAL.label))
    logger.info("specification_drafted id=%s filled=%s by=%s", specification.pk, len(filled), by.pk)
    return filled


def section_reuse(*, section: SpecSection, source_id: int, by) -> SpecSection:
    """Copy the text of a section of one of ``by``'s earlier CSCs into ``section`` (same kind or not).

    The source is looked up among :func:`reusable_sections` only: a CSC of a commune where ``by`` is not a
    consultant, or somebody else's, is refused as if it did not exist."""
    source = reusable_sections(by, exclude=section.specification).filter(pk=source_id).first()
    if source is None:
        raise ValidationError(_("Cette section n’est pas disponible."))
    body = _join(section.body, source.body)
    return section_update(section=section, body=body, by=by)


def requirement_add(*, specification: Specification, section: str, text: str, priority: str, by) -> Requirement:
    last = specification.requirements.filter(section=section).aggregate(last=Max("position"))["last"] or 0
    return Requirement.objects.create(
        specification=specification, section=section, text=text, priority=priority, position=last + 1
    )


def requirement_move(*, requirement: Requirement, up: bool, by) -> None:
    """Swap the requirement with its neighbour in its section (renumbering the section first)."""
    with transaction.atomic():
        siblings = list(
            Requirement.objects.select_for_update()
            .filter(specification_id=requirement.specification_id, section=requirement.section)
            .order_by("position", "pk")
        )
        index = next(i for i, other in enumerate(siblings) if other.pk == requirement.pk)
        target = index - 1 if up else index + 1
        if 0 <= target < len(siblings):
            siblings[index], siblings[target] = siblings[target], siblings[index]
        for position, other in enumerate(siblings, start=1):
            other.position = position
        Requirement.objects.bulk_update(siblings, ["position"])


def requirement_delete(*, requirement: Requirement, by) -> None:
    requirement.delete()


def lot_add(*, specification: Specification, title: str, estimated_amount, description: str = "", by) -> Lot:
    last = specification.lots.aggregate(last=Max("number"))["last"] or 0
    return Lot.objects.create(
        specification=specification,
        number=last + 1,
        title=title,
        description=description,
        estimated_amount=estimated_amount,
    )


def lot_delete(*, lot: Lot, by) -> None:
    lot.delete()


def weights_error(weights) -> str | None:
    """The French message when the weights do not sum to 100, else None."""
    total = sum((Decimal(weight) for weight in weights), Decimal(0))
    if total != 100:
        return _("La somme des pondérations doit être égale à 100 %% (elle est de %(total)s %%).") % {
            "total": f"{total.normalize():f}".replace(".", ",")
        }
    return None


def criteria_save(*, specification: Specification, formset, by) -> None:
    """Save a valid criteria formset (its weights sum to 100, checked by the formset)."""
    with transaction.atomic():
        for position, form in enumerate(formset.ordered_forms if formset.can_order else formset.forms, start=1):
            if not form.has_changed() and not form.instance.pk:
                continue
            if form in formset.deleted_forms:
                if form.instance.pk:
                    form.instance.delete()
                continue
            criterion = form.save(commit=False)
            criterion.specification = specification
            criterion.position = position
            criterion.save()


def specification_set_status(*, specification: Specification, status: str, by) -> Specification:
    """A final CSC has award criteria weighing 100; going back to draft opens a new version."""
    if status == SpecStatus.FINAL:
        error = weights_error(specification.criteria.values_list("weight", flat=True))
        if error:
            raise ValidationError(error)
    elif specification.status == SpecStatus.FINAL:
        specification.version += 1
    specification.status = status
    specification.save(update_fields=["status", "version", "updated_at"])
    logger.info("specification_status id=%s status=%s by=%s", specification.pk, status, by.pk)
    return specification
