"""Reads of the implementation pages: each returns the context of one tab, in a fixed number of queries whatever
the number of rows (the views add the forms)."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from projects.models import (
    CommunicationAction,
    Feedback,
    Measurement,
    Milestone,
    Participant,
    ProjectDecision,
    ProjectIndicator,
    Risk,
)
from roadmap.models import BudgetLine, SheetIndicator
from territoire import charts

ZERO = Decimal("0")


def milestones_page(project) -> dict:
    today = timezone.localdate()
    milestones = list(Milestone.objects.filter(project=project).order_by("current_date", "pk"))
    for milestone in milestones:
        milestone.overdue, milestone.slip = milestone.overdue_days(today), milestone.slip_days()
    return {"milestones": milestones, "today": today}


@dataclass
class LineTotals:
    line: BudgetLine
    committed: Decimal = ZERO
    spent: Decimal = ZERO

    @property
    def planned(self) -> Decimal:
        return self.line.amount

    @property
    def over_committed(self) -> Decimal:
        """What is spent beyond what is committed (0 when within)."""
        return max(self.spent - self.committed, ZERO)


def budget_page(project) -> dict:
    """Per budget line of the sheet: planned (the sheet's amount excl. VAT), committed and spent; the lists of
    commitments and spending; the totals. Three queries."""
    lines = {line.pk: LineTotals(line) for line in BudgetLine.objects.filter(sheet_id=project.sheet_id)}
    commitments = list(project.commitments.select_related("budget_line").order_by("date", "pk"))
    spendings = list(project.spendings.select_related("budget_line").order_by("date", "pk"))
    for entry in commitments:
        lines.setdefault(entry.budget_line_id, LineTotals(entry.budget_line)).committed += entry.amount
    for entry in spendings:
        lines.setdefault(entry.budget_line_id, LineTotals(entry.budget_line)).spent += entry.amount
    rows = list(lines.values())
    return {
        "budget_rows": rows,
        "commitments": commitments,
        "spendings": spendings,
        "totals": {
            "planned": sum((row.planned for row in rows), ZERO),
            "committed": sum((row.committed for row in rows), ZERO),
            "spent": sum((row.spent for row in rows), ZERO),
            "over_committed": sum((row.over_committed for row in rows), ZERO),
        },
    }


def plain(value: Decimal | None) -> Decimal | None:
    """A stored decimal without its trailing zeros, for reading: 40.00 → 40, 12.50 → 12.5."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def indicators_page(project) -> dict:
    """The followed indicators with their measurements and chart (target as a dashed line); the sheet's
    indicators not followed yet. Two queries, plus one for the sheet's indicators."""
    indicators = list(
        ProjectIndicator.objects.filter(project=project).prefetch_related(
            Prefetch("measurements", queryset=Measurement.objects.order_by("date", "pk"))
        )
    )
    for indicator in indicators:
        measures = list(indicator.measurements.all())
        indicator.measures = measures
        indicator.target_shown = plain(indicator.target)
        for measure in measures:
            measure.shown = plain(measure.value)
        indicator.chart = (
            charts.line(
                [date_format(m.date, "SHORT_DATE_FORMAT") for m in measures],
                [m.value for m in measures],
                ident=f"indicator-{indicator.pk}",
                name=indicator.label,
                target=indicator.target,
                target_name=_("Cible"),
            )
            if measures
            else ""
        )
    followed = {i.sheet_indicator_id for i in indicators}
    return {
        "indicators": indicators,
        "unfollowed": [i for i in SheetIndicator.objects.filter(sheet_id=project.sheet_id) if i.pk not in followed],
    }


def risks_page(project) -> dict:
    risks = (
        Risk.objects.filter(project=project).annotate(score=F("probability") * F("impact")).order_by("-score", "pk")
    )
    return {"risks": list(risks)}


def testing_page(project) -> dict:
    feedback = list(
        Feedback.objects.filter(project=project)
        .select_related("participant")
        .prefetch_related(Prefetch("decisions", queryset=ProjectDecision.objects.order_by("date", "pk")))
        .order_by("date", "pk")
    )
    counts = defaultdict(int)
    for item in feedback:
        counts[item.participant_id] += 1
    participants = list(Participant.objects.filter(project=project))
    for participant in participants:
        participant.feedback_count = counts[participant.pk]
    return {"participants": participants, "feedback_items": feedback}


def communication_page(project) -> dict:
    return {"actions": list(CommunicationAction.objects.filter(project=project).order_by("date", "pk"))}


def decisions_page(project) -> dict:
    decisions = ProjectDecision.objects.filter(project=project).select_related("feedback__participant", "recorded_by")
    return {"decisions": list(decisions)}
