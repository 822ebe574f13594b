"""The demo mission's project sheets, written through the product's services (history with their author).

Idempotent the way the diagnostic's demo is: the mission's roadmap (sheets with their lines, criteria,
scores, submissions, consensus values) is dropped and rebuilt on each run, so running ``seed_demo`` twice
leaves the same rows (the history keeps the deletions, as it would for a consultant's).
"""

from decimal import Decimal

from django.db.models import PROTECT
from django.utils import timezone

from diagnostics.models import Finding
from roadmap.demo.catalogue import SHEETS
from roadmap.models import (
    Consensus,
    Criterion,
    FundingCall,
    ProjectSheet,
    Score,
    ScoringSubmission,
    SheetStatus,
)
from roadmap.services import sheets as services
from territoire.models import NodeLevel, PSTNode


def clear(mission) -> None:
    """Drop the mission's roadmap: sheets (their lines and scores cascade), criteria, submissions."""
    Consensus.objects.filter(sheet__mission=mission).delete()
    Score.objects.filter(sheet__mission=mission).delete()
    ScoringSubmission.objects.filter(mission=mission).delete()
    sheets = ProjectSheet.objects.filter(mission=mission)
    # Later apps' demo rows that protect a sheet (the AMO's followed projects) are rebuilt after it: drop them
    # through the relation, so that this app does not import the apps that know about it.
    for relation in ProjectSheet._meta.related_objects:
        if relation.on_delete is PROTECT:
            relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": sheets}).delete()
    sheets.delete()
    Criterion.objects.filter(mission=mission).delete()


def seed(mission, *, by) -> dict[str, ProjectSheet]:
    """Create the catalogue's sheets on the mission; return them by key."""
    this_year = timezone.localdate().year
    calls = {call.name: call for call in FundingCall.objects.all()}
    findings = list(Finding.objects.filter(mission=mission, merged_into__isnull=True))
    nodes = list(PSTNode.objects.for_commune(mission.commune).filter(level__in=[NodeLevel.OO, NodeLevel.ACTION]))
    made = {}
    for data in SHEETS:
        budget = [
            (
                None,
                {
                    "label": label,
                    "category": category,
                    "kind": kind,
                    "amount": Decimal(amount),
                    "year": this_year + offset,
                },
                False,
            )
            for label, category, kind, amount, offset in data["budget"]
        ]
        investment = sum(Decimal(row[1]["amount"]) for row in budget if row[1]["kind"] == "investment")
        fte_internal, fte_external = data["fte"]
        sheet = services.sheet_save(
            mission=mission,
            fields={
                "title": data["title"],
                "theme": data["theme"],
                "dimension": data["dimension"],
                "duration_months": data["duration_months"],
                "context": data.get("context", ""),
                "objectives": data.get("objectives", ""),
                "solution_software": data.get("solution_software", ""),
                "solution_equipment": data.get("solution_equipment", ""),
                "solution_communication": data.get("solution_communication", ""),
                "stakeholders": data.get("stakeholders", ""),
                "fte_internal": Decimal(fte_internal),
                "fte_external": Decimal(fte_external),
            },
            relations={
                "findings": _matching(findings, data["findings"], lambda f: f.statement),
                "pst_links": _matching(nodes, data["pst"], lambda n: n.title),
                "prerequisites": [made[key] for key in data.get("after", ())],
            },
            lines={
                "budget": budget,
                "funding": _funding(data["funding"], calls, investment),
                "risks": [
                    (None, {"risk": risk, "likelihood": likelihood, "mitigation": mitigation}, False)
                    for risk, likelihood, mitigation in data["risks"]
                ],
                "indicators": [
                    (None, {"indicator": indicator, "target": target, "unit": unit}, False)
                    for indicator, target, unit in data["indicators"]
                ],
            },
            by=by,
        )
        services.sheet_set_status(sheet=sheet, status=SheetStatus.PROPOSED, by=by)
        if data["status"] != SheetStatus.PROPOSED:
            services.sheet_set_status(sheet=sheet, status=data["status"], by=by)
        made[data["key"]] = sheet
    return made


def _matching(rows, words, text) -> list:
    """The rows whose text holds one of the words (case-insensitive): links whatever the demo produced."""
    words = [w.lower() for w in words]
    return [row for row in rows if any(w in text(row).lower() for w in words)]


def _funding(lines, calls, investment: Decimal) -> list:
    """Funding rows; a call absent from the table (deleted by an operator) is skipped, « rest » is what the
    calls and other subsidies leave to the commune's own funds."""
    rows, subsidies = [], Decimal(0)
    for source, call_name, label, amount, status in lines:
        call = calls.get(call_name) if call_name else None
        if call_name and call is None:
            continue
        if amount == "rest":
            amount = investment - subsidies
        elif amount is not None:
            amount = Decimal(amount)
        if source == "call":
            subsidies += call.subsidy_for(investment) if amount is None else amount
        elif source == "other":
            subsidies += amount
        values = {"source": source, "call": call, "label": label, "amount": amount, "status": status or "requested"}
        if source == "own":
            values["status"] = "granted"
        rows.append((None, values, False))
    return rows
