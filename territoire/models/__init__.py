"""Models of the core app, one module per area; everything is re-exported here.

``from territoire.models import Commune`` keeps working whatever module a model lives in.
"""

from territoire.models.core import (
    MISSION_DEFAULT_WEEKS,
    Commune,
    CommuneQuerySet,
    Membership,
    Mission,
    MissionQuerySet,
    Role,
    TenantQuerySet,
    TimeStampedModel,
    default_planned_end,
)
from territoire.models.exports import ExportJob, ExportJobQuerySet, ExportKind, ExportStatus
from territoire.models.pst import (
    PST,
    BudgetSource,
    NodeLevel,
    NodeState,
    PSTBudgetLine,
    PSTEntity,
    PSTImport,
    PSTIndicator,
    PSTNode,
    PSTNodeLink,
    PSTNodeTag,
    SmartDimension,
    SmartTheme,
    Volet,
)
from territoire.models.queueing import UnsentTask

__all__ = [
    "MISSION_DEFAULT_WEEKS",
    "PST",
    "BudgetSource",
    "Commune",
    "CommuneQuerySet",
    "ExportJob",
    "ExportJobQuerySet",
    "ExportKind",
    "ExportStatus",
    "Membership",
    "Mission",
    "MissionQuerySet",
    "NodeLevel",
    "NodeState",
    "PSTBudgetLine",
    "PSTEntity",
    "PSTImport",
    "PSTIndicator",
    "PSTNode",
    "PSTNodeLink",
    "PSTNodeTag",
    "Role",
    "SmartDimension",
    "SmartTheme",
    "TenantQuerySet",
    "TimeStampedModel",
    "UnsentTask",
    "Volet",
    "default_planned_end",
]
