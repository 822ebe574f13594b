"""Tables of the AMO follow-up, one module per subdomain: the followed project (``projects``), its SPMM phases,
specifications (CSC), procurement and implementation."""

from projects.models.implementation import (
    Channel,
    Commitment,
    CommunicationAction,
    Feedback,
    Measurement,
    Milestone,
    Notification,
    NotificationKind,
    Participant,
    ProjectDecision,
    ProjectIndicator,
    ProjectStatus,
    Risk,
    RiskStatus,
    Severity,
    Spending,
)
from projects.models.projects import FollowedProject, FollowedProjectQuerySet, ProjectPhase

__all__ = [
    "Channel",
    "Commitment",
    "CommunicationAction",
    "Feedback",
    "FollowedProject",
    "FollowedProjectQuerySet",
    "Measurement",
    "Milestone",
    "Notification",
    "NotificationKind",
    "ProjectDecision",
    "ProjectIndicator",
    "ProjectPhase",
    "ProjectStatus",
    "Risk",
    "RiskStatus",
    "Severity",
    "Spending",
    "Participant",
]
