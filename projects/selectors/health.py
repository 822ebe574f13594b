"""How a followed project is doing, computed (never typed) from its milestones and budget, with the reason.

Placeholder until the implementation follow-up (milestones, spending) exists: every project reads "bon" with
no progress. Its shape is what the portfolio and the project pages use.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Health:
    status: str  # "good" | "risk" | "blocked" | "paused"
    label: str
    progress: int  # 0–100
    reasons: list = field(default_factory=list)
    budget_planned: Decimal = Decimal("0")
    budget_spent: Decimal = Decimal("0")
    next_milestone: str = ""
    next_milestone_date: date | None = None


def health_of(projects) -> dict[int, Health]:
    """project id → Health for the given projects, in a constant number of queries."""
    return {project.pk: Health(status="good", label=str(_("Bon")), progress=0) for project in projects}
