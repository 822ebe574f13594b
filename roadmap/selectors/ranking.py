"""The ranking of a mission's sheets: its tables loaded in a fixed number of queries, then the numpy engine.

Used by the ranking page and by ``manage.py roadmap_rank`` alike. A sheet is ranked once every expected
scorer (the mission's referents and anyone who scored) has scored it on every criterion, or a consensus
stands for the missing cell; the others are listed apart with who still has to score them.
"""

from dataclasses import dataclass, field

import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import Q

from roadmap import ranking
from roadmap.models import Consensus, Criterion, MatrixRole, ProjectSheet, Score, ScoringSubmission
from roadmap.services.criteria import engine_criterion, ranking_settings_of
from territoire.charts import PALETTE

DRAWS = 1000
TOP_K = 3


def person(user) -> str:
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class Contribution:
    criterion: Criterion
    points: float  # out of 100
    value: float  # aggregated score (mean or consensus)
    color: str


@dataclass(frozen=True)
class RankedSheet:
    sheet: ProjectSheet
    position: int
    rank: int
    total: float
    priority: int
    contributions: list[Contribution]
    topsis_rank: int
    closeness: float
    top_k_probability: float
    stability: ranking.Stability
    badge: str
    acceptability: list[float]  # share of draws at each position, 1..n
    quadrant: ranking.Quadrant | None = None

    @property
    def top_k_percent(self) -> int:
        return round(100 * self.top_k_probability)

    def acceptability_percents(self, positions: int) -> list[int]:
        """Share of the draws (in %) at each of the first ``positions`` positions."""
        return [round(100 * p) for p in self.acceptability[:positions]]


@dataclass(frozen=True)
class IncompleteSheet:
    sheet: ProjectSheet
    missing: int  # cells without a value from every scorer
    waiting_for: list[str]  # the scorers who still have to score it


@dataclass(frozen=True)
class Disagreement:
    sheet: ProjectSheet
    criterion: Criterion
    scores: list[tuple[str, int]]  # (consultant, value)
    mean: float
    spread: float
    consensus: Consensus | None


@dataclass
class MissionRanking:
    mission: object
    criteria: list[Criterion]
    thresholds: list[float]
    disagreement_threshold: float
    scorers: list[str]
    submitted: list[str]
    top_k: int = TOP_K
    draws: int = DRAWS
    ranked: list[RankedSheet] = field(default_factory=list)
    incomplete: list[IncompleteSheet] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)  # every flagged cell, resolved or not
    method_disagreements: list[ranking.MethodDisagreement] = field(default_factory=list)
    blocked: list[ranking.Blocked] = field(default_factory=list)
    quadrants: dict = field(default_factory=dict)  # Quadrant → [RankedSheet]
    matrix_error: str = ""
    error: str = ""  # French: why nothing can be ranked (no criteria, weights all zero)

    @property
    def acceptability_positions(self) -> list[int]:
        """The positions shown in the page's rank acceptability table (the first five at most)."""
        return list(range(1, min(len(self.ranked), 5) + 1))

    @property
    def acceptability_rows(self) -> list[tuple[RankedSheet, list[int]]]:
        return [(r, r.acceptability_percents(len(self.acceptability_positions))) for r in self.ranked]

    @property
    def unresolved(self) -> list[Disagreement]:
        return [d for d in self.disagreements if d.consensus is None]

    @property
    def resolved(self) -> list[Disagreement]:
        return [d for d in self.disagreements if d.consensus is not None]

    @property
    def classes(self) -> list[tuple[int, float | None, list[RankedSheet]]]:
        """Priority classes: (level, lowest total of the class or None for the last, sheets in ranking order)."""
        return [
            (level, self.thresholds[level - 1] if level <= len(self.thresholds) else None,
             [r for r in self.ranked if r.priority == level])
            for level in range(1, len(self.thresholds) + 2)
        ]  # fmt: skip

    @property
    def matrix(self) -> list[tuple[ranking.Quadrant, list[RankedSheet]]]:
        """The 2×2 impact/effort grid, read row by row: high impact first, low effort on the left."""
        order = (
            ranking.Quadrant.QUICK_WIN,
            ranking.Quadrant.MAJOR_PROJECT,
            ranking.Quadrant.FILL_IN,
            ranking.Quadrant.THANKLESS,
        )
        return [(q, self.quadrants[q]) for q in order] if self.quadrants else []

    def as_dict(self) -> dict:
        """Plain data for ``roadmap_rank --format json``."""
        return {
            "mission": self.mission.pk,
            "error": self.error,
            "criteria": [
                {"code": c.code, "label": c.label, "weight": float(c.weight), "direction": c.direction}
                for c in self.criteria
            ],
            "class_thresholds": self.thresholds,
            "draws": self.draws,
            "top_k": self.top_k,
            "ranking": [
                {
                    "position": r.position,
                    "rank": r.rank,
                    "code": r.sheet.code,
                    "title": r.sheet.title,
                    "total": round(r.total, 2),
                    "priority": r.priority,
                    "contributions": {c.criterion.code: round(c.points, 2) for c in r.contributions},
                    "topsis_rank": r.topsis_rank,
                    "topsis_closeness": round(r.closeness, 4),
                    "top_k_probability": round(r.top_k_probability, 4),
                    "stability": str(r.stability),
                    "rank_acceptability": [round(p, 4) for p in r.acceptability],
                    "quadrant": str(r.quadrant) if r.quadrant else None,
                }
                for r in self.ranked
            ],
            "incomplete": [
                {"code": i.sheet.code, "missing_cells": i.missing, "waiting_for": i.waiting_for}
                for i in self.incomplete
            ],
            "unresolved_disagreements": [
                {"code": d.sheet.code, "criterion": d.criterion.code, "spread": d.spread} for d in self.unresolved
            ],
            "method_disagreements": [
                {"code": m.sheet, "weighted_sum_rank": m.weighted_sum_rank, "topsis_rank": m.topsis_rank}
                for m in self.method_disagreements
            ],
            "blocked": [
                {"code": b.sheet, "prerequisite": b.prerequisite, "prerequisite_position": b.prerequisite_position}
                for b in self.blocked
            ],
        }


def _load(mission):
    """Every row the ranking needs, in a fixed number of queries whatever the number of sheets."""
    criteria = list(Criterion.objects.for_mission(mission))
    sheets = list(ProjectSheet.objects.for_mission(mission).scorable().order_by("code"))
    # Plain tuples: thousands of scores, no need for model instances.
    scores = list(
        Score.objects.filter(sheet__in=[s.pk for s in sheets], criterion__mission=mission).values_list(
            "sheet_id", "criterion_id", "consultant_id", "value"
        )
    )
    consensus = list(Consensus.objects.filter(sheet__in=[s.pk for s in sheets], criterion__mission=mission))
    through = ProjectSheet.prerequisites.through
    prerequisites = {}
    for code, needed in through.objects.filter(from_projectsheet__mission=mission).values_list(
        "from_projectsheet__code", "to_projectsheet__code"
    ):
        prerequisites.setdefault(code, []).append(needed)
    users = {
        u.pk: u
        for u in get_user_model()
        .objects.filter(Q(referent_missions=mission) | Q(roadmap_scores__sheet__mission=mission))
        .distinct()
    }
    submitted = set(ScoringSubmission.objects.filter(mission=mission).values_list("consultant_id", flat=True))
    return criteria, sheets, scores, consensus, prerequisites, users, submitted


def mission_ranking(mission, *, draws: int = DRAWS, top_k: int = TOP_K) -> MissionRanking:
    settings = ranking_settings_of(mission)
    criteria, sheets, scores, consensus_rows, prerequisites, users, submitted = _load(mission)
    scorers = sorted(users.values(), key=lambda u: (person(u).lower(), u.pk))
    result = MissionRanking(
        mission=mission,
        criteria=criteria,
        thresholds=[float(t) for t in settings.class_thresholds],
        disagreement_threshold=float(settings.disagreement_threshold),
        scorers=[person(u) for u in scorers],
        submitted=[person(u) for u in scorers if u.pk in submitted],
        top_k=top_k,
        draws=draws,
    )
    engine = [engine_criterion(c) for c in criteria]
    try:
        ranking.check_criteria(engine)
    except ranking.RankingError as error:
        result.error = error.message
        return result
    if not sheets:
        return result
    if not scorers:  # no referent and no score yet: nothing to aggregate
        result.incomplete = [IncompleteSheet(sheet, len(criteria), []) for sheet in sheets]
        return result

    sheet_index = {s.pk: i for i, s in enumerate(sheets)}
    criterion_index = {c.pk: j for j, c in enumerate(criteria)}
    scorer_index = {u.pk: k for k, u in enumerate(scorers)}
    values = np.full((len(sheets), len(criteria), len(scorers)), np.nan)
    for sheet_id, criterion_id, consultant_id, value in scores:
        values[sheet_index[sheet_id], criterion_index[criterion_id], scorer_index[consultant_id]] = value
    agreed = np.full((len(sheets), len(criteria)), np.nan)
    consensus_of = {}
    for row in consensus_rows:
        agreed[sheet_index[row.sheet_id], criterion_index[row.criterion_id]] = float(row.value)
        consensus_of[(row.sheet_id, row.criterion_id)] = row
    codes = [s.code for s in sheets]
    try:
        return _rank(result, sheets, criteria, engine, scorers, values, agreed, consensus_of, prerequisites, codes)
    except ranking.RankingError as error:
        # Rows written around the services (a score left outside a changed scale…): say so, never a 500.
        result.error = error.message
        result.ranked, result.incomplete, result.disagreements = [], [], []
        return result


def _rank(result, sheets, criteria, engine, scorers, values, agreed, consensus_of, prerequisites, codes):
    draws, top_k = result.draws, result.top_k
    aggregation = ranking.aggregate_scores(
        values, engine, codes, consensus=agreed, threshold=result.disagreement_threshold
    )

    for i, j in np.argwhere(aggregation.disagreement):
        sheet, criterion = sheets[i], criteria[j]
        result.disagreements.append(
            Disagreement(
                sheet=sheet,
                criterion=criterion,
                scores=[
                    (person(u), int(values[i, j, k])) for k, u in enumerate(scorers) if not np.isnan(values[i, j, k])
                ],
                mean=float(aggregation.mean[i, j]),
                spread=float(aggregation.spread[i, j]),
                consensus=consensus_of.get((sheet.pk, criterion.pk)),
            )
        )

    # A cell is done when every scorer scored it or a consensus stands for it.
    done = (aggregation.count == len(scorers)) | ~np.isnan(agreed)
    complete = done.all(axis=1) & aggregation.complete
    for i in np.flatnonzero(~complete):
        waiting = [person(u) for k, u in enumerate(scorers) if np.isnan(values[i, :, k]).any()]
        result.incomplete.append(IncompleteSheet(sheets[i], int((~done[i]).sum()), waiting))

    ranked_index = np.flatnonzero(complete)
    if not len(ranked_index):
        return result
    ranked_sheets = [sheets[i] for i in ranked_index]
    ranked_codes = [s.code for s in ranked_sheets]
    table = aggregation.value[ranked_index]
    ws = ranking.weighted_sum(table, engine, ranked_codes)
    classes = ranking.priority_classes(ws.totals, result.thresholds)
    second = ranking.topsis(table, engine, ranked_codes)
    robust = ranking.robustness(table, engine, ranked_codes, draws=draws, top_k=top_k)
    quadrant_of = _matrix(result, table, engine, ranked_codes)

    rows = []
    for n, sheet in enumerate(ranked_sheets):
        rows.append(
            RankedSheet(
                sheet=sheet,
                position=int(ws.positions[n]),
                rank=int(ws.ranks[n]),
                total=float(ws.totals[n]),
                priority=int(classes[n]),
                contributions=[
                    Contribution(c, float(ws.contributions[n, j]), float(table[n, j]), PALETTE[j % len(PALETTE)])
                    for j, c in enumerate(criteria)
                ],
                topsis_rank=int(second.ranks[n]),
                closeness=float(second.closeness[n]),
                top_k_probability=float(robust.top_k_probability[n]),
                stability=robust.stability[n],
                badge=robust.badge(n),
                acceptability=[float(p) for p in robust.acceptability[n]],
                quadrant=quadrant_of.get(sheet.code),
            )
        )
    result.ranked = sorted(rows, key=lambda r: r.position)
    result.method_disagreements = ranking.compare_methods(ranked_codes, ws.positions, second.positions, top_k=top_k)
    result.blocked = ranking.blocked_sheets(list(ws.order), prerequisites)
    if quadrant_of:
        result.quadrants = {q: [r for r in result.ranked if r.quadrant == q] for q in ranking.Quadrant}
    return result


def _matrix(result: MissionRanking, table, engine, codes) -> dict:
    impact = [c.code for c in result.criteria if c.matrix_role == MatrixRole.IMPACT]
    effort = [c.code for c in result.criteria if c.matrix_role == MatrixRole.EFFORT]
    try:
        points = ranking.impact_effort(table, engine, codes, impact=impact, effort=effort)
    except ranking.RankingError as error:
        result.matrix_error = error.message
        return {}
    return {p.sheet: p.quadrant for p in points}
