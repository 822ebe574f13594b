"""Writes on a procurement, and the procedure suggestion read from the dated thresholds.

The suggestion takes, for the nature of the contract and the planned launch date, the threshold row of each
procedure in force that day (the latest ``valid_from`` not after it), then the lightest procedure whose ceiling
is above the estimated amount. It explains itself: the band the amount falls in, the procedure, where it must
be published and the article.
"""

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import (
    EvaluationScore,
    Offer,
    OfferDocument,
    Procedure,
    Procurement,
    ProcurementThreshold,
)
from projects.models.procurement import PROCEDURE_RANK
from projects.selectors.procurement import evaluate
from territoire.templatetags.territoire import money

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Suggestion:
    procedure: str
    threshold: ProcurementThreshold
    floor: Decimal | None  # the ceiling of the lighter procedure: the amount is at or above it
    amount: Decimal
    on: date

    @property
    def procedure_label(self) -> str:
        return Procedure(self.procedure).label

    @property
    def band(self) -> str:
        ceiling = self.threshold.amount
        if self.floor is not None and ceiling is not None:
            return _("de %(floor)s à moins de %(ceiling)s HTVA") % {
                "floor": money(self.floor, 0),
                "ceiling": money(ceiling, 0),
            }
        if ceiling is not None:
            return _("moins de %(ceiling)s HTVA") % {"ceiling": money(ceiling, 0)}
        return _("%(floor)s HTVA ou plus") % {"floor": money(self.floor or 0, 0)}

    @property
    def reasoning(self) -> list[str]:
        return [
            _("Montant estimé : %(amount)s HTVA, tranche « %(band)s » (seuils en vigueur le %(on)s).")
            % {"amount": money(self.amount), "band": self.band, "on": self.on.strftime("%d/%m/%Y")},
            _("Procédure indiquée pour ce montant : %(procedure)s.") % {"procedure": self.procedure_label},
            _("Publicité : %(publication)s.") % {"publication": self.threshold.get_publication_display()},
            _("Base légale : %(article)s.") % {"article": self.threshold.legal_article},
        ]


def thresholds_in_force(*, nature: str, on: date) -> dict[str, ProcurementThreshold]:
    """procedure → its threshold row for ``nature`` on ``on`` (a row for the nature beats a row for all)."""
    rows = ProcurementThreshold.objects.filter(valid_from__lte=on, nature__in=[nature, ""]).order_by(
        "valid_from", "-nature"
    )
    by_procedure = {}
    for row in rows:  # later rows (newer, or same date and specific) replace earlier ones
        current = by_procedure.get(row.procedure)
        if current is None or row.valid_from > current.valid_from or (row.nature and not current.nature):
            by_procedure[row.procedure] = row
    return by_procedure


def suggest_procedure(*, nature: str, amount: Decimal, on: date) -> Suggestion | None:
    """The lightest procedure allowed for ``amount`` on ``on``; None when no threshold is known that day."""
    in_force = sorted(
        thresholds_in_force(nature=nature, on=on).values(), key=lambda row: PROCEDURE_RANK[row.procedure]
    )
    floor = None
    for row in in_force:
        if row.amount is None or amount < row.amount:
            return Suggestion(procedure=row.procedure, threshold=row, floor=floor, amount=Decimal(amount), on=on)
        floor = row.amount if floor is None or row.amount > floor else floor
    return None


def suggestion_for(procurement: Procurement, amount=None) -> Suggestion | None:
    return suggest_procedure(
        nature=procurement.nature,
        amount=procurement.estimated_amount if amount is None else amount,
        on=procurement.planned_launch,
    )


def threshold_warning(procurement: Procurement) -> str | None:
    """A French warning when the estimated amount moved into another band since the procedure was chosen."""
    if not procurement.procedure or procurement.procedure_amount is None:
        return None
    before, now = suggestion_for(procurement, procurement.procedure_amount), suggestion_for(procurement)
    if before is None or now is None or before.procedure == now.procedure:
        return None
    return _(
        "Attention : le montant estimé (%(amount)s) a franchi un seuil depuis le choix de la procédure "
        "(%(chosen)s, pour %(then)s). La procédure indiquée pour ce montant est désormais : %(now)s. "
        "Revoyez le choix de la procédure."
    ) % {
        "amount": money(procurement.estimated_amount),
        "chosen": procurement.get_procedure_display(),
        "then": money(procurement.procedure_amount),
        "now": now.procedure_label,
    }


def default_amount(*, specification=None, lot=None) -> Decimal | None:
    """The estimated amount a new procurement starts with: its lot's, else the sum of the CSC's lots."""
    if lot is not None:
        return lot.estimated_amount
    if specification is not None:
        amounts = [lot.estimated_amount for lot in specification.lots.all()]
        return sum(amounts, Decimal(0)) if amounts else None
    return None


PROCUREMENT_FIELDS = ("title", "specification", "lot", "nature", "estimated_amount", "planned_launch")


def procurement_save(*, project, procurement: Procurement | None = None, fields: dict, by) -> Procurement:
    if procurement is None:
        procurement = Procurement.objects.create(project=project, **fields)
        logger.info("procurement_created id=%s project=%s by=%s", procurement.pk, project.pk, by.pk)
        return procurement
    for name, value in fields.items():
        setattr(procurement, name, value)
    procurement.save(update_fields=[*fields, "updated_at"])
    return procurement


def procurement_choose_procedure(*, procurement: Procurement, procedure: str, justification: str, by) -> Procurement:
    """Record the procedure. Below the suggestion's weight is refused (the amount is above its ceiling); a
    negotiated procedure without prior publication needs a written justification."""
    suggestion = suggestion_for(procurement)
    if suggestion is not None and PROCEDURE_RANK[procedure] < PROCEDURE_RANK[suggestion.procedure]:
        raise ValidationError(
            _("Le montant estimé (%(amount)s) dépasse le plafond de cette procédure : au minimum %(procedure)s.")
            % {"amount": money(procurement.estimated_amount), "procedure": suggestion.procedure_label}
        )
    if procedure == Procedure.NEGOTIATED_WITHOUT_PUBLICATION and not justification.strip():
        raise ValidationError(_("Une procédure négociée sans publication préalable doit être justifiée par écrit."))
    procurement.procedure = procedure
    procurement.procedure_justification = justification.strip()
    procurement.procedure_amount = procurement.estimated_amount
    procurement.save(update_fields=["procedure", "procedure_justification", "procedure_amount", "updated_at"])
    logger.info("procurement_procedure id=%s procedure=%s by=%s", procurement.pk, procedure, by.pk)
    return procurement


TIMELINE_FIELDS = (
    "launch_date",
    "questions_deadline",
    "offers_deadline",
    "opening_date",
    "award_date",
    "notification_date",
)


def timeline_error(values: dict) -> str | None:
    """The French message when the given dates of the timeline are not in order, else None."""
    from projects.models import Procurement as _Procurement

    previous = None
    for name in TIMELINE_FIELDS:
        value = values.get(name)
        if value is None:
            continue
        day = timezone.localdate(value) if hasattr(value, "tzinfo") and hasattr(value, "hour") else value
        if previous is not None and day < previous[1]:
            label = _Procurement._meta.get_field(name).verbose_name
            before = _Procurement._meta.get_field(previous[0]).verbose_name
            return _("Les dates doivent se suivre : « %(label)s » ne peut pas précéder « %(before)s ».") % {
                "label": label,
                "before": before,
            }
        previous = (name, day)
    return None


def procurement_set_timeline(*, procurement: Procurement, dates: dict, by) -> Procurement:
    error = timeline_error(dates)
    if error:
        raise ValidationError(error)
    for name in TIMELINE_FIELDS:
        setattr(procurement, name, dates.get(name))
    procurement.save(update_fields=[*TIMELINE_FIELDS, "updated_at"])
    # A new deadline re-flags the offers already recorded.
    for offer in procurement.offers.all():
        late = _is_late(procurement, offer.received_at)
        if late != offer.is_late:
            offer.is_late, offer.excluded = late, late
            offer.save(update_fields=["is_late", "excluded"])
    return procurement


def provider_add(*, procurement: Procurement, fields: dict, by):
    return procurement.providers.create(**fields)


def _is_late(procurement, received_at) -> bool:
    return procurement.offers_deadline is not None and received_at > procurement.offers_deadline


def offer_add(*, procurement: Procurement, provider: str, received_at, price, files=(), by) -> Offer:
    """Record an offer; one received after the deadline is flagged and left out of the evaluation."""
    late = _is_late(procurement, received_at)
    with transaction.atomic():
        offer = Offer.objects.create(
            procurement=procurement,
            provider=provider,
            received_at=received_at,
            price=price,
            is_late=late,
            excluded=late,
        )
        for upload in files:
            OfferDocument.objects.create(offer=offer, file=upload, name=upload.name[:200])
    logger.info("offer_added id=%s procurement=%s late=%s by=%s", offer.pk, procurement.pk, late, by.pk)
    return offer


def offer_set_excluded(*, offer: Offer, excluded: bool, by) -> Offer:
    offer.excluded = excluded
    offer.save(update_fields=["excluded"])
    return offer


def scores_save(*, procurement: Procurement, evaluator, points: dict, comments: dict | None = None) -> int:
    """Store ``evaluator``'s points: {(offer id, criterion id): points or None (cleared)}."""
    comments = comments or {}
    saved = 0
    with transaction.atomic():
        for (offer_id, criterion_id), value in points.items():
            lookup = {"offer_id": offer_id, "criterion_id": criterion_id, "evaluator": evaluator}
            if value is None:
                EvaluationScore.objects.filter(**lookup).delete()
                continue
            EvaluationScore.objects.update_or_create(
                **lookup, defaults={"points": value, "comment": comments.get((offer_id, criterion_id), "")}
            )
            saved += 1
    logger.info("scores_saved procurement=%s evaluator=%s count=%s", procurement.pk, evaluator.pk, saved)
    return saved


def procurement_award(*, procurement: Procurement, offer: Offer, justification: str, by) -> Procurement:
    """Award to the best-ranked offer, or to another one with a written justification."""
    evaluation = evaluate(procurement)
    result = next((result for result in evaluation.results if result.offer.pk == offer.pk), None)
    if result is None:
        raise ValidationError(_("Une offre écartée de l’évaluation ne peut pas être retenue."))
    if result.rank != 1 and not justification.strip():
        raise ValidationError(
            _("Cette offre n’est pas la mieux classée : une justification de l’attribution est obligatoire.")
        )
    procurement.awarded_offer = offer
    procurement.award_justification = justification.strip()
    procurement.awarded_by = by
    procurement.awarded_at = timezone.now()
    procurement.save(update_fields=["awarded_offer", "award_justification", "awarded_by", "awarded_at", "updated_at"])
    logger.info("procurement_awarded id=%s offer=%s rank=%s by=%s", procurement.pk, offer.pk, result.rank, by.pk)
    return procurement
