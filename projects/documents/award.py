"""The award report (rapport d'attribution): recomputes the evaluation from the stored prices and points
(``projects.selectors.procurement.evaluate``), never from a cached total."""

from django.utils import timezone
from django.utils.translation import gettext as _

from projects.documents import Document
from projects.selectors.procurement import evaluate
from projects.services.procurement import suggestion_for
from territoire.templatetags.territoire import money, number


def _points(value) -> str:
    return "—" if value is None else number(value, 2)


def _when(value) -> str:
    if value is None:
        return "—"
    if hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def build(procurement) -> Document:
    project = procurement.project
    evaluation = evaluate(procurement)
    document = Document(
        title=_("Rapport d’attribution — %(title)s") % {"title": procurement.title},
        subtitle=project.mission.commune.name,
        meta=[
            (_("Projet"), project.title),
            (_("Nature du marché"), procurement.get_nature_display()),
            (_("Montant estimé HTVA"), money(procurement.estimated_amount)),
            (_("Date du rapport"), timezone.localdate().strftime("%d/%m/%Y")),
        ],
    )
    document.heading(_("1. Procédure"))
    suggestion = suggestion_for(procurement)
    document.paragraphs(
        _("Procédure choisie : %(procedure)s.")
        % {"procedure": procurement.get_procedure_display() or _("non choisie")}
    )
    if suggestion is not None:
        document.paragraphs("\n\n".join(suggestion.reasoning))
    if procurement.procedure_justification:
        document.paragraphs(_("Justification : %(text)s") % {"text": procurement.procedure_justification})
    document.table(
        [_("Étape"), _("Date")],
        [
            [str(procurement._meta.get_field(name).verbose_name).capitalize(), _when(getattr(procurement, name))]
            for name in (
                "launch_date",
                "questions_deadline",
                "offers_deadline",
                "opening_date",
                "award_date",
                "notification_date",
            )
        ],
        widths=[8, 8],
    )
    document.heading(_("2. Offres reçues"))
    offers = sorted([r.offer for r in evaluation.results] + evaluation.excluded, key=lambda o: (o.received_at, o.pk))
    document.table(
        [_("Soumissionnaire"), _("Reçue le"), _("Prix HTVA"), _("Remarque")],
        [
            [
                offer.provider,
                _when(offer.received_at),
                money(offer.price),
                (_("hors délai") + (", " if offer.excluded else "") if offer.is_late else "")
                + (_("écartée") if offer.excluded else ""),
            ]
            for offer in offers
        ],
        widths=[6, 4, 3, 3],
    )
    document.heading(_("3. Critères d’attribution"))
    document.table(
        [_("Critère"), _("Pondération"), _("Méthode")],
        [
            [
                criterion.label,
                f"{number(criterion.max_points)} %",
                criterion.get_price_formula_display() if criterion.kind == "price" else _("moyenne des évaluateurs"),
            ]
            for criterion in evaluation.criteria
        ],
        widths=[6, 3, 7],
    )
    document.heading(_("4. Évaluation et classement"))
    if evaluation.lowest_price is not None:
        document.paragraphs(
            _("Prix le plus bas des offres évaluées : %(price)s.") % {"price": money(evaluation.lowest_price)}
        )
    if evaluation.evaluators:
        document.paragraphs(_("Évaluateurs : %(names)s.") % {"names": ", ".join(evaluation.evaluators)})
    document.table(
        [_("Rang"), _("Soumissionnaire"), *[c.label for c in evaluation.criteria], _("Total / 100")],
        [
            [str(result.rank), result.offer.provider, *[_points(p) for p in points], _points(result.total)]
            for result, points in evaluation.rows()
        ],
    )
    document.heading(_("5. Proposition d’attribution"))
    awarded = procurement.awarded_offer
    if awarded is None:
        document.paragraphs(_("Le marché n’est pas encore attribué."))
    else:
        rank = next((r.rank for r in evaluation.results if r.offer.pk == awarded.pk), None)
        document.paragraphs(
            _("Le marché est attribué à %(provider)s pour un montant de %(price)s HTVA (rang %(rank)s).")
            % {"provider": awarded.provider, "price": money(awarded.price), "rank": rank or "—"}
        )
        if procurement.award_justification:
            document.paragraphs(_("Justification : %(text)s") % {"text": procurement.award_justification})
    return document
