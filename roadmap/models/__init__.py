"""Tables of the roadmap, one module per subdomain (sheets, scoring; funding comes next to them)."""

from roadmap.models.scoring import (
    Consensus,
    Criterion,
    CriterionDirection,
    MatrixRole,
    RankingSettings,
    Score,
    ScoringSubmission,
)
from roadmap.models.sheets import ProjectSheet, ProjectSheetQuerySet, SheetStatus

__all__ = [
    "Consensus",
    "Criterion",
    "CriterionDirection",
    "MatrixRole",
    "ProjectSheet",
    "ProjectSheetQuerySet",
    "RankingSettings",
    "Score",
    "ScoringSubmission",
    "SheetStatus",
]
