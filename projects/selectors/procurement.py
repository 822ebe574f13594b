"""The evaluation of a procurement's offers, recomputed from the stored prices and points every time it is read
(the page, the ranking, the award and the award report): no total is ever cached."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from projects.models import AwardCriterion, CriterionKind, EvaluationScore, Offer
from projects.models.specifications import price_points

CENT = Decimal("0.01")


@dataclass
class OfferResult:
    offer: Offer
    price_points: Decimal
    # criterion id → average points of the evaluators (None: nobody scored it yet)
    quality: dict[int, Decimal | None]
    # criterion id → {evaluator name: points}
    detail: dict[int, dict[str, Decimal]]
    total: Decimal = Decimal(0)
    rank: int = 0

    def points_for(self, criterion) -> Decimal | None:
        return self.price_points if criterion.kind == CriterionKind.PRICE else self.quality.get(criterion.pk)


@dataclass
class Evaluation:
    criteria: list[AwardCriterion]
    results: list[OfferResult]
    excluded: list[Offer]
    lowest_price: Decimal | None
    evaluators: list[str] = field(default_factory=list)

    @property
    def best(self) -> OfferResult | None:
        return self.results[0] if self.results else None

    @property
    def complete(self) -> bool:
        """Every included offer has at least one evaluator's points on every quality criterion."""
        return all(value is not None for result in self.results for value in result.quality.values())

    def rows(self):
        """(result, [points per criterion in order]) for templates."""
        return [(result, [result.points_for(criterion) for criterion in self.criteria]) for result in self.results]


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def evaluate(procurement) -> Evaluation:
    """Score the included offers on the CSC's criteria: price by the criterion's formula against the lowest
    included price, quality as the average of the evaluators' points; rank by total (ties share a rank)."""
    criteria = list(
        AwardCriterion.objects.filter(specification_id=procurement.specification_id).order_by("position", "pk")
    )
    offers = list(Offer.objects.filter(procurement=procurement).order_by("received_at", "pk"))
    included = [offer for offer in offers if not offer.excluded]
    excluded = [offer for offer in offers if offer.excluded]
    lowest = min((offer.price for offer in included), default=None)
    points = defaultdict(lambda: defaultdict(dict))
    evaluators = set()
    scores = EvaluationScore.objects.filter(offer__in=included).select_related("evaluator")
    for score in scores:
        name = score.evaluator.get_full_name() or score.evaluator.get_username()
        evaluators.add(name)
        points[score.offer_id][score.criterion_id][name] = score.points
    results = []
    for offer in included:
        price = Decimal(0)
        quality, detail = {}, {}
        for criterion in criteria:
            if criterion.kind == CriterionKind.PRICE:
                price += price_points(
                    criterion.price_formula, points=criterion.weight, lowest=lowest, price=offer.price
                )
            else:
                given = points[offer.pk].get(criterion.pk, {})
                detail[criterion.pk] = given
                quality[criterion.pk] = _round(sum(given.values()) / len(given)) if given else None
        result = OfferResult(offer=offer, price_points=_round(price), quality=quality, detail=detail)
        result.total = _round(result.price_points + sum(value or 0 for value in quality.values()))
        results.append(result)
    results.sort(key=lambda result: (-result.total, result.offer.price, result.offer.pk))
    for index, result in enumerate(results):
        previous = results[index - 1] if index else None
        result.rank = previous.rank if previous and previous.total == result.total else index + 1
    return Evaluation(
        criteria=criteria, results=results, excluded=excluded, lowest_price=lowest, evaluators=sorted(evaluators)
    )
