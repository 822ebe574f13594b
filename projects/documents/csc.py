"""The CSC as a neutral document: its sections in order, numbered requirements, lots and criteria tables."""

from django.utils import timezone
from django.utils.translation import gettext as _

from projects.documents import Document
from projects.models import SectionKind
from projects.models.specifications import SECTION_ORDER
from territoire.templatetags.territoire import money, number


def build(specification) -> Document:
    project = specification.project
    document = Document(
        title=specification.title,
        subtitle=_("Cahier spécial des charges — %(commune)s") % {"commune": project.mission.commune.name},
        meta=[
            (_("Projet"), project.title),
            (_("Version"), f"{specification.version} ({specification.get_status_display().lower()})"),
            (_("Date"), timezone.localdate().strftime("%d/%m/%Y")),
        ],
    )
    sections = sorted(specification.sections.all(), key=lambda section: SECTION_ORDER[section.kind])
    requirements = list(specification.requirements.all())
    for index, section in enumerate(sections, start=1):
        document.heading(f"{index}. {section.get_kind_display()}")
        document.paragraphs(section.body)
        if section.kind in (SectionKind.FUNCTIONAL, SectionKind.TECHNICAL):
            rows = [
                [f"{requirement.prefix}-{position:02d}", requirement.text, requirement.get_priority_display()]
                for position, requirement in enumerate((r for r in requirements if r.section == section.kind), start=1)
            ]
            if rows:
                document.table([_("N°"), _("Exigence"), _("Priorité")], rows, widths=[2, 11, 3])
        elif section.kind == SectionKind.LOTS:
            lots = list(specification.lots.all())
            if lots:
                document.table(
                    [_("Lot"), _("Intitulé"), _("Montant estimé HTVA")],
                    [[str(lot.number), lot.title, money(lot.estimated_amount)] for lot in lots],
                    widths=[2, 10, 4],
                )
        elif section.kind == SectionKind.AWARD:
            criteria = list(specification.criteria.all())
            if criteria:
                document.table(
                    [_("Critère"), _("Nature"), _("Pondération"), _("Méthode de cotation")],
                    [
                        [
                            criterion.label,
                            criterion.get_kind_display(),
                            f"{number(criterion.max_points)} %",
                            criterion.get_price_formula_display()
                            if criterion.kind == "price"
                            else _("points attribués par chaque évaluateur, puis moyenne"),
                        ]
                        for criterion in criteria
                    ],
                    widths=[5, 2, 2, 7],
                )
    return document
