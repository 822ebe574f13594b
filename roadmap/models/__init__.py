"""Tables of the roadmap, one module per subdomain: sheets, their budget, funding, risks and indicators,
the library of sheet templates, the scoring that ranks them, the versions the Collège decides on, and the
versions of the final report."""

from roadmap.models.budget import BudgetCategory, BudgetKind, BudgetLine
from roadmap.models.decisions import DecisionChoice, RoadmapDecision, RoadmapVersion
from roadmap.models.funding import FundingCall, FundingLine, FundingSource, FundingStatus
from roadmap.models.library import SheetTemplate
from roadmap.models.outcomes import Likelihood, SheetIndicator, SheetRisk
from roadmap.models.reports import ReportStatus, ReportVersion, ReportVersionQuerySet
from roadmap.models.scoring import (
    Consensus,
    Criterion,
    CriterionDirection,
    MatrixRole,
    RankingSettings,
    Score,
    ScoringSubmission,
)
from roadmap.models.sheets import STATUS_TRANSITIONS, ProjectSheet, ProjectSheetQuerySet, SheetStatus
from roadmap.models.timeline import BudgetEnvelope, SheetPin, TimelineSettings

__all__ = [
    "STATUS_TRANSITIONS",
    "BudgetCategory",
    "BudgetEnvelope",
    "BudgetKind",
    "BudgetLine",
    "Consensus",
    "Criterion",
    "DecisionChoice",
    "CriterionDirection",
    "FundingCall",
    "FundingLine",
    "FundingSource",
    "FundingStatus",
    "Likelihood",
    "MatrixRole",
    "ProjectSheet",
    "ProjectSheetQuerySet",
    "RankingSettings",
    "ReportStatus",
    "ReportVersion",
    "ReportVersionQuerySet",
    "RoadmapDecision",
    "RoadmapVersion",
    "Score",
    "ScoringSubmission",
    "SheetIndicator",
    "SheetPin",
    "SheetRisk",
    "SheetStatus",
    "SheetTemplate",
    "TimelineSettings",
]
