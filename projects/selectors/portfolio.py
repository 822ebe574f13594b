"""The portfolio: followed projects with their computed health, in a constant number of queries."""

from dataclasses import dataclass

from projects.models import FollowedProject
from projects.selectors.health import Health, health_of


@dataclass
class PortfolioRow:
    project: FollowedProject
    health: Health


def portfolio_rows(projects, *, health: str = "") -> list[PortfolioRow]:
    """Rows of the given projects (a queryset), each with its health; ``health`` keeps one status only."""
    projects = list(projects.select_related("mission__commune", "sheet").order_by("mission__commune__name", "title"))
    healths = health_of(projects)
    rows = [PortfolioRow(project, healths[project.pk]) for project in projects]
    return [row for row in rows if row.health.status == health] if health else rows
