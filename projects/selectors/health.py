"""How a followed project is doing, computed (never typed) from its milestones and budget, with the reasons.

The rules, from the strongest to the weakest (the status is the strongest that applies; every reason is listed):

* **en pause** — the team paused the project (``ProjectStatus.paused``, with its reason). A paused project is
  not judged on its dates: its reason is the pause.
* **blocage** — spending above the committed budget: for each budget line of the sheet, what is spent beyond
  what is committed on it (« blocage : dépenses au-dessus du budget engagé de 4 200 € »); or a milestone
  overdue by more than :data:`BLOCKING_DELAY_DAYS` days.
* **risque** — a milestone overdue (its current date is past and it is not done: « jalon « Mise en ligne » en
  retard de 12 jours ») or slipped beyond its baseline date while not done (« reporté de 12 jours »).
* **bon** — none of the above.

Progress is the share of milestones done, each weighing the same: ``round(100 × done / milestones)``, 0 without
milestones. Budget planned is the total excluding VAT of the sheet's budget lines (the sheet stays the reference);
spent is the sum of the project's spending; the next milestone is the earliest one not done (by current date).

:func:`health_of` reads five queries for any number of projects: pause states, milestones, the sheets' planned
totals, commitments and spending summed per budget line.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

BLOCKING_DELAY_DAYS = 30

GOOD, RISK, BLOCKED, PAUSED = "good", "risk", "blocked", "paused"
LABELS = {
    GOOD: lambda: _("Bon"),
    RISK: lambda: _("Risque"),
    BLOCKED: lambda: _("Blocage"),
    PAUSED: lambda: _("En pause"),
}
# The strongest status wins.
RANK = {GOOD: 0, RISK: 1, BLOCKED: 2, PAUSED: 3}


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


def _euros(amount: Decimal) -> str:
    return f"{number_format(amount, decimal_pos=0, use_l10n=True, force_grouping=True)}\xa0€"


def _days(days: int) -> str:
    return ngettext("%(days)s jour", "%(days)s jours", days) % {"days": days}


def _milestone_reasons(milestones, today) -> list[tuple[str, str]]:
    reasons = []
    for milestone in milestones:
        overdue, slip = milestone.overdue_days(today), milestone.slip_days()
        if overdue:
            status = BLOCKED if overdue > BLOCKING_DELAY_DAYS else RISK
            text = _("jalon « %(label)s » en retard de %(days)s") % {"label": milestone.label, "days": _days(overdue)}
            reasons.append((status, text))
        elif slip:
            text = _("jalon « %(label)s » reporté de %(days)s par rapport à la date de référence") % {
                "label": milestone.label,
                "days": _days(slip),
            }
            reasons.append((RISK, text))
    return reasons


def _prefix(status: str) -> str:
    return {RISK: _("risque"), BLOCKED: _("blocage"), PAUSED: _("en pause")}[status]


def health_of(projects, *, today: date | None = None) -> dict[int, Health]:
    """project id → Health for the given projects (a list or a queryset with ``sheet_id``), in five queries."""
    from projects.models import Commitment, Milestone, ProjectStatus, Spending
    from roadmap.models import BudgetLine

    projects = list(projects)
    if not projects:
        return {}
    today = today or timezone.localdate()
    ids = [project.pk for project in projects]

    pauses = dict(
        ProjectStatus.objects.filter(project_id__in=ids, paused=True).values_list("project_id", "pause_reason")
    )
    milestones = defaultdict(list)
    for milestone in Milestone.objects.filter(project_id__in=ids).order_by("current_date", "pk"):
        milestones[milestone.project_id].append(milestone)
    planned = dict(
        BudgetLine.objects.filter(sheet_id__in=[p.sheet_id for p in projects])
        .values("sheet_id")
        .order_by("sheet_id")
        .annotate(total=Sum("amount"))
        .values_list("sheet_id", "total")
    )
    per_line = defaultdict(lambda: [Decimal("0"), Decimal("0")])  # (project, line) → [committed, spent]
    for index, model in enumerate((Commitment, Spending)):
        rows = (
            model.objects.filter(project_id__in=ids)
            .values("project_id", "budget_line_id")
            .order_by("project_id", "budget_line_id")
            .annotate(total=Sum("amount"))
        )
        for row in rows:
            per_line[(row["project_id"], row["budget_line_id"])][index] = row["total"]

    spent, excess = defaultdict(Decimal), defaultdict(Decimal)
    for (project_id, _line), (committed, line_spent) in per_line.items():
        spent[project_id] += line_spent
        excess[project_id] += max(line_spent - committed, Decimal("0"))

    result = {}
    for project in projects:
        own = milestones[project.pk]
        reasons: list[tuple[str, str]] = []
        if project.pk in pauses:
            reasons.append((PAUSED, pauses[project.pk]))
        else:
            if excess[project.pk]:
                reasons.append(
                    (
                        BLOCKED,
                        _("dépenses au-dessus du budget engagé de %(amount)s")
                        % {"amount": _euros(excess[project.pk])},
                    )
                )
            reasons.extend(_milestone_reasons(own, today))
        status = max((s for s, _text in reasons), key=RANK.__getitem__, default=GOOD)
        upcoming = next((m for m in own if not m.done), None)
        done = sum(1 for m in own if m.done)
        result[project.pk] = Health(
            status=status,
            label=str(LABELS[status]()),
            progress=round(100 * done / len(own)) if own else 0,
            reasons=[f"{_prefix(s)} : {text}" if text else _prefix(s) for s, text in reasons],
            budget_planned=planned.get(project.sheet_id) or Decimal("0"),
            budget_spent=spent[project.pk],
            next_milestone=upcoming.label if upcoming else "",
            next_milestone_date=upcoming.current_date if upcoming else None,
        )
    return result
