"""Tables of the AMO follow-up, one module per subdomain: the followed project (``projects``), its SPMM phases,
specifications (CSC), procurement and implementation."""

from projects.models.phases import (
    OPEN_STATUSES,
    PHASE_ORDER,
    AnswerStatus,
    ChecklistAnswer,
    ChecklistQuestion,
    PhaseDocument,
    PhaseNote,
    PhaseTransition,
    next_phase,
    previous_phase,
)
from projects.models.projects import FollowedProject, FollowedProjectQuerySet, ProjectPhase

__all__ = [
    "OPEN_STATUSES",
    "PHASE_ORDER",
    "AnswerStatus",
    "ChecklistAnswer",
    "ChecklistQuestion",
    "FollowedProject",
    "FollowedProjectQuerySet",
    "PhaseDocument",
    "PhaseNote",
    "PhaseTransition",
    "ProjectPhase",
    "next_phase",
    "previous_phase",
]
