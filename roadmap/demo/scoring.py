"""The demo mission's scoring: default criteria, two consultants' grids with comments, both submitted, one
disagreement settled by a consensus. Written through the product's services, so the history says who scored.

Claire's levels come from the catalogue; Thomas's differ by at most one point, except on the one cell where
they disagree. The budget criterion is scored from the sheet's investment with the criterion's own guide.
"""

from decimal import Decimal

from roadmap.demo.catalogue import DISAGREEMENT, SHEETS, THOMAS_DELTAS
from roadmap.models import BudgetKind, Criterion, Score
from roadmap.services import criteria as criteria_services
from roadmap.services import scoring as services
from roadmap.services.scoring import CellEdit, score_version

# The budget guide's bands (« moins de 10 000 € », « de 10 000 à 50 000 € »…): level = 1 + bands passed.
BUDGET_BANDS = (Decimal(10_000), Decimal(50_000), Decimal(150_000), Decimal(500_000))
JUDGED = ("faisabilite", "ressources", "impact", "pst")


def seed(mission, sheets: dict, *, lead, second) -> None:
    criteria_services.criteria_create_defaults(mission=mission, by=lead)
    criteria = {c.code: c for c in Criterion.objects.for_mission(mission)}
    scored = {key: sheet for key, sheet in sheets.items() if sheet.status in ("proposed", "retained")}
    for who, consultant, levels in (("claire", lead, _lead_levels), ("thomas", second, _second_levels)):
        edits = []
        for n, (key, sheet) in enumerate(scored.items()):
            for code, value in levels(key, sheet, n).items():
                criterion = criteria.get(code)
                if criterion is None:
                    continue
                edits.append(CellEdit(sheet, criterion, value, _comment(who, key, criterion, value), ""))
        services.scores_save(mission=mission, consultant=consultant, edits=edits, by=consultant)
        if who == "thomas":
            _revise(mission, consultant, scored.get(DISAGREEMENT["sheet"]), criteria.get(DISAGREEMENT["criterion"]))
        services.scoring_submit(mission=mission, consultant=consultant, by=consultant)
    sheet, criterion = scored.get(DISAGREEMENT["sheet"]), criteria.get(DISAGREEMENT["criterion"])
    if sheet is not None and criterion is not None:
        value, comment = DISAGREEMENT["consensus"]
        services.consensus_record(sheet=sheet, criterion=criterion, value=Decimal(value), comment=comment, by=lead)


def _budget_level(sheet) -> int:
    investment = sum(
        (line.amount for line in sheet.budget_lines.all() if line.kind == BudgetKind.INVESTMENT), Decimal(0)
    )
    return 1 + sum(investment >= band for band in BUDGET_BANDS)


def _catalogue(key):
    return next(data for data in SHEETS if data["key"] == key)


def _lead_levels(key, sheet, n) -> dict:
    levels = dict(zip(JUDGED, _catalogue(key)["scores"], strict=True))
    levels["budget"] = _budget_level(sheet)
    if key == DISAGREEMENT["sheet"]:
        levels[DISAGREEMENT["criterion"]] = DISAGREEMENT["claire"][0]
    return levels


def _second_levels(key, sheet, n) -> dict:
    levels = _lead_levels(key, sheet, n)
    for j, code in enumerate(JUDGED):
        delta = THOMAS_DELTAS[(n + 3 * j) % len(THOMAS_DELTAS)]
        levels[code] = min(5, max(1, levels[code] + delta))
    if key == DISAGREEMENT["sheet"]:
        levels[DISAGREEMENT["criterion"]] = DISAGREEMENT["thomas_first"][0]
    return levels


def _revise(mission, consultant, sheet, criterion) -> None:
    """Thomas lowers his first level on the disagreement's cell, as a second save of his grid would."""
    if sheet is None or criterion is None:
        return
    score = Score.objects.get(sheet=sheet, criterion=criterion, consultant=consultant)
    value, comment = DISAGREEMENT["thomas"]
    edit = CellEdit(sheet, criterion, value, comment, score_version(score))
    services.scores_save(mission=mission, consultant=consultant, edits=[edit], by=consultant)


def _comment(who, key, criterion, value) -> str:
    """The disagreement's arguments; elsewhere the guide's description of the level chosen."""
    if key == DISAGREEMENT["sheet"] and criterion.code == DISAGREEMENT["criterion"]:
        return DISAGREEMENT["thomas_first" if who == "thomas" else who][1]
    guide = criterion.guide_for(value)
    return f"{guide[:1].upper()}{guide[1:]}." if guide else ""
