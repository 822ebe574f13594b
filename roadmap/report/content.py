"""What the report says: one consistent snapshot of the mission's data, as plain JSON.

The snapshot is taken when a version is asked for and stored on it, so the PDF rendered later by the worker
says what the data said at that moment, whatever is edited meanwhile.

Everything comes from the selectors the pages use (the synthesis, the ranking, the timeline, the costs): the
report never computes a figure of its own. It is built **as the Collège reads the mission** (see
:class:`CollegeReader`): interviews are confidences, so the people met appear by function only and no finding
names an interviewee; audiences of an anonymous campaign too small to be shown apart are hidden.

Types: amounts are ``Decimal`` turned into strings (``"12500.00"``, read back by ``|money``), dates and times
are ISO strings under keys ending in ``date`` or ``_at`` (``document`` turns them back into dates), charts are
SVG strings drawn by ``territoire.charts`` and ``diagnostics.diagram``. The number of queries does not depend
on the size of the data (``tests/roadmap/test_report_content.py`` locks it).
"""

import base64
import io
import logging
from decimal import Decimal

from django.db.models import Count, Max, Min, Prefetch
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from diagnostics.diagram import DiagramUnavailable, render_svg
from diagnostics.models import (
    Finding,
    Interview,
    InterviewAudience,
    Interviewee,
    Question,
    Questionnaire,
    Section,
    Workshop,
)
from diagnostics.selectors.inventory import load_inventory
from diagnostics.selectors.synthesis import synthesis
from roadmap.models import FundingLine, ProjectSheet, SheetStatus
from roadmap.selectors.costs import sheet_costs
from roadmap.selectors.decisions import versions_with_decisions
from roadmap.selectors.ranking import mission_ranking
from roadmap.selectors.timeline import mission_timeline
from territoire import charts
from territoire.models import Role, SmartTheme

logger = logging.getLogger(__name__)

SCHEMA = 1
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}


class CollegeReader:
    """The reader the report is written for: a member of the Collège of the mission's commune.

    Not a user in the database: it only answers what ``territoire.access`` asks (authenticated, active, its
    role per commune), so the selectors filter for the Collège exactly as they do on its pages.
    """

    is_authenticated = True
    is_active = True
    is_superuser = False
    is_anonymous = False
    pk = None

    def __init__(self, commune_id: int):
        self._territoire_roles = {commune_id: Role.COLLEGE}  # the cache ``access.roles_by_commune`` reads


def _money(amount) -> str | None:
    return None if amount is None else str(Decimal(amount).quantize(Decimal("0.01")))


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _label(value) -> str:
    return str(value) if value is not None else ""


def _number(value, decimals=0) -> str:
    # Rounded first: number_format cuts the extra decimals off (31.7 would print 31 where the page shows 32).
    return number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _figure(svg, caption, numbers) -> dict:
    """A chart as the report prints it: its SVG, its caption and its numbers in words, which serve as the alt text
    of the drawing and follow the caption (a reader who cannot see the chart reads the same figures)."""
    if not svg:
        return {"chart": "", "caption": "", "numbers": ""}
    return {
        "chart": str(svg),
        "caption": str(caption),
        "numbers": " ; ".join(f"{label} : {value}" for label, value in numbers),
    }


def collect(mission) -> dict:
    """The report's data for ``mission``, JSON-serialisable (see the module's docstring)."""
    commune = mission.commune
    reader = CollegeReader(commune.pk)
    diagnostic = synthesis(mission, user=reader)
    ranking = mission_ranking(mission)
    timeline = mission_timeline(mission)
    sheets = _sheets(mission, ranking)
    return {
        "schema": SCHEMA,
        "taken_at": _iso(timezone.now()),
        "commune": _commune(commune),
        "mission": _mission(mission),
        "method": _method(diagnostic),
        "chronology": _chronology(mission, diagnostic),
        "diagnostic": _diagnostic(mission, diagnostic),
        "sheets": sheets,
        "totals": {
            key: _money(sum((Decimal(sheet["costs"][key]) for sheet in sheets), Decimal(0)))
            for key in ("investment", "subsidies", "net", "running")
        },
        "ranking": _ranking(ranking),
        "timeline": _timeline(timeline),
        "decision": _decision(mission),
        "annexes": {"questionnaires": _questionnaires(mission), "people": _people(mission)},
    }


# --- Part 1: context ------------------------------------------------------------------------------


def logo_data_uri(commune) -> str:
    """The commune's logo as a ``data:`` URI, read through the storage and checked by Pillow; "" when there is
    none or it is not a readable image (a corrupt file never stops a report)."""
    if not commune.logo:
        return ""
    from PIL import Image

    try:
        with commune.logo.open("rb") as handle:
            content = handle.read(LOGO_MAX_BYTES + 1)
        if len(content) > LOGO_MAX_BYTES:
            raise ValueError("logo too large")
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            kind = LOGO_TYPES.get(image.format)
        if kind is None:
            raise ValueError(f"unsupported format {image.format}")
        with Image.open(io.BytesIO(content)) as image:
            image.load()  # verify() does not decode the pixels: a truncated file fails here
    except Exception as error:  # noqa: BLE001 - any unreadable file means "no logo"
        logger.warning("report_logo_unreadable commune=%s error=%r", commune.pk, str(error)[:200])
        return ""
    return f"data:{kind};base64,{base64.b64encode(content).decode('ascii')}"


def _commune(commune) -> dict:
    return {
        "name": commune.name,
        "code": commune.code,
        "region": commune.region,
        "province": commune.province,
        "country": commune.get_country_display(),
        "population": commune.population,
        "area_km2": None if commune.area_km2 is None else str(commune.area_km2),
        "density": commune.density,
        "logo": logo_data_uri(commune),
    }


def _mission(mission) -> dict:
    referents = sorted(u.get_full_name() or u.get_username() for u in mission.referents.all())
    return {
        "id": mission.pk,
        "title": mission.title,
        "description": mission.description,
        "start_date": _iso(mission.start_date),
        "planned_end_date": _iso(mission.planned_end_date),
        "phase": mission.get_phase_display(),
        "referents": referents,
    }


def _method(diagnostic) -> dict:
    questionnaires = diagnostic["questionnaires"]
    fieldwork = diagnostic["fieldwork"]
    return {
        "campaigns": [
            {
                "title": row["campaign"].title,
                "audience": row["campaign"].get_audience_display(),
                "opens_at": _iso(row["campaign"].opens_at),
                "closes_at": _iso(row["campaign"].closes_at),
                "anonymous": row["campaign"].anonymous,
                "invited": row["invited"],
                "submitted": row["submitted"],
                "rate": row["rate"],
            }
            for row in questionnaires["campaigns"]
        ],
        "participation": [{**row, "audience": str(row["audience"])} for row in questionnaires["participation"]],
        "interviews_done": fieldwork["progress"].done,
        "interviews_target": fieldwork["progress"].target,
        "people_by_audience": [[str(label), n] for label, n in fieldwork["progress"].people_by_audience if n],
        "workshops": fieldwork["workshops"]["total"],
        "cards": fieldwork["workshops"]["cards"],
        "pst": _pst_name(diagnostic["pst"]["pst"]),
    }


def _pst_name(pst) -> str:
    return str(pst) if pst is not None else ""


def _chronology(mission, diagnostic) -> list[dict]:
    """The mission's dated steps, in order: start and end, campaigns, the interviews' period, workshops,
    versions submitted to the Collège. Interviews are one period: their dates say who was met when."""
    events = [
        {"date": _iso(mission.start_date), "label": _("Début de la mission"), "kind": "mission"},
        {"date": _iso(mission.planned_end_date), "label": _("Fin prévue de la mission"), "kind": "mission"},
    ]
    for row in diagnostic["questionnaires"]["campaigns"]:
        campaign = row["campaign"]
        events.append(
            {
                "date": _iso(timezone.localdate(campaign.opens_at)),
                "end_date": _iso(timezone.localdate(campaign.closes_at)),
                "label": _("Questionnaire « %(title)s » (%(audience)s)")
                % {"title": campaign.title, "audience": campaign.get_audience_display()},
                "kind": "campaign",
            }
        )
    interviews = Interview.objects.filter(mission=mission, status=Interview.Status.DONE).aggregate(
        first=Min("scheduled_at"), last=Max("scheduled_at"), n=Count("pk")
    )
    if interviews["n"]:
        events.append(
            {
                "date": _iso(timezone.localdate(interviews["first"])),
                "end_date": _iso(timezone.localdate(interviews["last"])),
                "label": _("Entretiens (%(n)s)") % {"n": interviews["n"]},
                "kind": "interviews",
            }
        )
    for workshop in Workshop.objects.filter(mission=mission).order_by("date").only("title", "date"):
        events.append(
            {
                "date": _iso(timezone.localdate(workshop.date)),
                "label": _("Atelier « %(title)s »") % {"title": workshop.title},
                "kind": "workshop",
            }
        )
    return sorted(events, key=lambda e: e["date"])


# --- Part 2: diagnostic ---------------------------------------------------------------------------


def _diagnostic(mission, diagnostic) -> dict:
    pst, questionnaires = diagnostic["pst"], diagnostic["questionnaires"]
    fieldwork, inventory, findings = diagnostic["fieldwork"], diagnostic["inventory"], diagnostic["findings"]
    return {
        "pst": {
            "name": _pst_name(pst["pst"]),
            "sentences": [str(s) for s in pst["sentences"]],
            "themes": [
                {"label": str(row["label"]), "objectives": row["os"] + row["oo"], "actions": row["actions"]}
                for row in pst.get("themes", [])
                if row["total"]
            ],
            "objectives": [{**row, "level": str(row["level"])} for row in pst["objectives"]],
            "coverage": pst.get("coverage"),
            "figure": _figure(
                pst.get("chart"),
                _("Éléments du PST étiquetés par thème (objectifs / actions)"),
                [(row["label"], f"{row['os'] + row['oo']} / {row['actions']}") for row in pst.get("themes", [])],
            ),
        },
        "questionnaires": {
            "reserved": bool(questionnaires.get("reserved")),
            "sentences": [str(s) for s in questionnaires["sentences"]],
            "audiences": [str(a) for a in questionnaires["audiences"]],
            "hidden_audiences": [str(a) for a in questionnaires.get("hidden_audiences", [])],
            "chart": str(questionnaires["chart"] or ""),
            "maturity": {
                axis: {
                    "rows": [[str(label), scores] for label, scores in m["rows"]],
                    "figure": _figure(
                        m["radar"],
                        _("Maturité moyenne sur 100 par public (%(audiences)s)")
                        % {"audiences": " / ".join(str(a) for a in questionnaires["audiences"])},
                        [
                            (label, " / ".join("—" if v is None else _number(v) for v in scores))
                            for label, scores in m["rows"]
                        ],
                    ),
                }
                for axis, m in questionnaires["maturity"].items()
            },
        },
        "fieldwork": {
            "sentences": [str(s) for s in fieldwork["sentences"]],
            "figure": _figure(
                fieldwork["interview_chart"],
                _("Personnes rencontrées par public"),
                [(label, n) for label, n in fieldwork["progress"].people_by_audience],
            ),
            "challenges": [
                {"text": card.text, "votes": card.vote_count, "theme": card.get_theme_display()}
                for card in fieldwork["challenges"]
            ],
        },
        "inventory": {
            "sentences": [str(s) for s in inventory["sentences"]],
            "systems": inventory["systems"],
            "flows": inventory["flows"],
            "severities": [str(s) for s in inventory["severities"]],
            "rows": [{**row, "kind": str(row["kind"])} for row in inventory["rows"]],
            "alerts": [
                {
                    "kind": str(a.kind_label),
                    "severity": str(a.severity),
                    "severity_label": str(a.severity_label),
                    "message": str(a.message),
                }
                for a in inventory["alerts"]
            ],
            "chart": str(inventory["chart"] or ""),
            **_diagram(mission),
        },
        "findings": {
            "total": findings["total"],
            "sentences": [str(s) for s in findings["sentences"]],
            "by_importance": [[str(label), n] for label, n in findings["by_importance"]],
            "figure": _figure(
                findings["chart"],
                _("Constats ouverts par thème (par importance : %(importance)s)")
                % {"importance": ", ".join(f"{label} {n}" for label, n in findings["by_importance"])},
                _findings_by_theme(mission) if findings["total"] else [],
            ),
            "top": [
                {
                    "statement": f.statement,
                    "theme": f.get_theme_display(),
                    "importance": f.importance,
                    "importance_label": f.get_importance_display(),
                    "sources": [str(label) for label in f.source_labels],
                }
                for f in findings["top"]
            ],
        },
    }


def _findings_by_theme(mission) -> list[tuple[str, int]]:
    """Open findings per theme, for the words under the findings chart (its bars are themes; the synthesis
    returns only the totals per importance). One query."""
    labels = dict(SmartTheme.choices)
    rows = (
        Finding.objects.filter(mission=mission, status=Finding.Status.OPEN)
        .values("theme")
        .annotate(n=Count("pk"))
        .order_by("theme")
    )
    order = list(labels)
    rows = sorted(rows, key=lambda row: order.index(row["theme"]) if row["theme"] in labels else len(order))
    return [(str(labels.get(row["theme"], _("Sans thème"))), row["n"]) for row in rows]


def _diagram(mission) -> dict:
    """The inventory's diagram as drawn on its page (Graphviz SVG), or why it is missing."""
    systems, flows, _needs = load_inventory(mission.commune)
    if not systems:
        return {"diagram": "", "diagram_error": ""}
    try:
        return {"diagram": render_svg(systems, flows), "diagram_error": ""}
    except DiagramUnavailable as error:
        return {"diagram": "", "diagram_error": str(error)}


# --- Part 3: the retained sheets --------------------------------------------------------------------


def _sheets(mission, ranking) -> list[dict]:
    """The retained sheets in the ranking's order (sheets not ranked yet after, by code), in 9 queries."""
    position = {r.sheet.pk: r for r in ranking.ranked}
    sheets = (
        ProjectSheet.objects.for_mission(mission)
        .filter(status=SheetStatus.RETAINED)
        .prefetch_related(
            "budget_lines",
            Prefetch("funding_lines", queryset=FundingLine.objects.select_related("call")),
            Prefetch("prerequisites", queryset=ProjectSheet.objects.only("pk", "code", "title")),
            "indicators",
            "risks",
            "pst_links",
            Prefetch("findings", queryset=Finding.objects.select_related("merged_into")),
        )
    )
    unranked = len(position) + 1
    ordered = sorted(sheets, key=lambda s: (position[s.pk].position if s.pk in position else unranked, s.code))
    return [_sheet(sheet, position.get(sheet.pk)) for sheet in ordered]


def _sheet(sheet, ranked) -> dict:
    costs = sheet_costs(sheet.budget_lines.all(), sheet.funding_lines.all())
    return {
        "id": sheet.pk,
        "code": sheet.code,
        "title": sheet.title,
        "theme": sheet.get_theme_display(),
        "dimension": sheet.get_dimension_display(),
        "duration_months": sheet.duration_months,
        "position": ranked.position if ranked else None,
        "priority": ranked.priority if ranked else None,
        "total": round(ranked.total, 1) if ranked else None,
        "badge": ranked.badge if ranked else "",
        "context": sheet.context,
        "objectives": sheet.objectives,
        "solution_software": sheet.solution_software,
        "solution_equipment": sheet.solution_equipment,
        "solution_communication": sheet.solution_communication,
        "stakeholders": sheet.stakeholders,
        "fte_internal": None if sheet.fte_internal is None else str(sheet.fte_internal),
        "fte_external": None if sheet.fte_external is None else str(sheet.fte_external),
        "budget": [
            {
                "label": line.label,
                "category": line.get_category_display(),
                "kind": line.kind,
                "kind_label": line.get_kind_display(),
                "year": line.year,
                "amount": _money(line.amount),
                "vat_rate": str(line.vat_rate),
                "amount_incl_vat": _money(line.amount_incl_vat),
            }
            for line in sheet.budget_lines.all()
        ],
        "costs": {
            "investment": _money(costs.investment),
            "investment_incl_vat": _money(costs.investment_incl_vat),
            "running": _money(costs.running),
            "running_incl_vat": _money(costs.running_incl_vat),
            "subsidies": _money(costs.subsidies),
            "own_funds": _money(costs.own_funds),
            "net": _money(costs.net),
            "subsidy_rate": None if costs.subsidy_rate is None else str(costs.subsidy_rate),
        },
        "funding": [
            {
                "source": item.line.get_source_display(),
                "call": item.line.call.name if item.line.call else "",
                "funder": item.line.call.funder if item.line.call else "",
                "label": item.line.label,
                "status": item.line.get_status_display(),
                "amount": _money(item.amount),
            }
            for item in costs.funding
        ],
        "prerequisites": [{"code": p.code, "title": p.title} for p in sheet.prerequisites.all()],
        "indicators": [{"indicator": i.indicator, "target": i.target, "unit": i.unit} for i in sheet.indicators.all()],
        "risks": [
            {"risk": r.risk, "likelihood": r.get_likelihood_display(), "mitigation": r.mitigation}
            for r in sheet.risks.all()
        ],
        "pst_links": [{"code": n.code, "title": n.title} for n in sheet.pst_links.all()],
        # A finding merged before merges moved the sheets along is cited as the finding that absorbed it, once.
        "findings": list(dict.fromkeys((f.merged_into or f).statement for f in sheet.findings.all())),
    }


# --- Part 4: ranking, timeline, decision ------------------------------------------------------------


def _ranking(ranking) -> dict:
    rows = [
        {
            "position": r.position,
            "code": r.sheet.code,
            "title": r.sheet.title,
            "status": r.sheet.get_status_display(),
            "retained": r.sheet.status == SheetStatus.RETAINED,
            "total": round(r.total, 1),
            "priority": r.priority,
            "stability": str(r.stability),
            "badge": r.badge,
            "top_k_percent": r.top_k_percent,
            "quadrant": r.quadrant.label if r.quadrant else "",
            "contributions": [round(c.points, 1) for c in r.contributions],
        }
        for r in ranking.ranked
    ]
    chart = ""
    if ranking.ranked:
        chart = charts.bars(
            [r.sheet.code for r in ranking.ranked],  # titles are in the table beside: codes keep the bars wide
            ((_("Score pondéré (sur 100)"), tuple(round(r.total, 1) for r in ranking.ranked)),),
            horizontal=True,
            range=(0, 100),
            ident="report-ranking",
            title=_("Score pondéré des projets classés"),
        )
    return {
        "error": ranking.error,
        "criteria": [{"label": c.label, "weight": str(c.weight)} for c in ranking.criteria],
        "thresholds": ranking.thresholds,
        "top_k": ranking.top_k,
        "draws": ranking.draws,
        "rows": rows,
        "figure": _figure(
            chart,
            _("Score pondéré des projets classés, sur 100"),
            [(r.sheet.code, _number(r.total, 1)) for r in ranking.ranked],
        ),
        "classes": [
            {"level": level, "threshold": threshold, "codes": [r.sheet.code for r in members]}
            for level, threshold, members in ranking.classes
        ],
        "matrix": [
            {"quadrant": str(q), "label": q.label, "sheets": [f"{r.sheet.code} {r.sheet.title}" for r in members]}
            for q, members in ranking.matrix
        ],
        "matrix_error": ranking.matrix_error,
        "incomplete": [{"code": i.sheet.code, "title": i.sheet.title} for i in ranking.incomplete],
    }


def _timeline(timeline) -> dict:
    years = [
        {
            "year": y.year,
            "investment": _money(y.investment),
            "running": _money(y.running),
            "subsidies": _money(y.subsidies),
            "net": _money(y.net),
            "envelope": _money(y.envelope),
            "overrun": bool(y.overrun),
            "fte_peak": round(y.fte_peak, 2),
        }
        for y in timeline.years
    ]
    chart = ""
    if years:
        chart = charts.bars(
            [str(y["year"]) for y in years],
            (
                (_("Investissement net"), tuple(round(y.net / 1000) for y in timeline.years)),
                (_("Fonctionnement"), tuple(round(y.running / 1000) for y in timeline.years)),
            ),
            stacked=True,
            counts=True,  # round ticks (0, 5, 10… k€) instead of one every 2 000 €
            ident="report-budget-years",
            title=_("Budget net par année (milliers d'euros HTVA)"),
        )
    return {
        "error": timeline.error,
        "proposed_only": timeline.proposed_only,
        "rows": [
            {
                "code": r.sheet.code,
                "title": r.sheet.title,
                "start": str(r.placement.start) if r.placement.start else "",
                "end": str(r.placement.end) if r.placement.end else "",
                "reason": str(r.placement.reason or ""),
                "net": _money(r.net),
                "running": _money(r.running),
            }
            for r in timeline.scheduled + timeline.unscheduled
        ],
        "years": years,
        "figure": _figure(
            chart,
            _("Budget net par année : investissement net + fonctionnement"),
            [(y.year, f"{_number(y.net)} € + {_number(y.running)} €") for y in timeline.years],
        ),
    }


def _decision(mission) -> dict | None:
    """The Collège's decision on the latest version submitted to it, or None when none was submitted."""
    version = versions_with_decisions(mission).first()
    if version is None:
        return None
    return {
        "number": version.number,
        "submitted_at": _iso(version.submitted_at),
        "note": version.note,
        "decisions": [
            {
                "member": d.member.get_full_name() or d.member.get_username(),
                "decision": d.decision,
                "decision_label": d.get_decision_display(),
                "comment": d.comment,
                "decided_at": _iso(d.decided_at),
            }
            for d in version.decisions.all()
        ],
    }


# --- Annexes -----------------------------------------------------------------------------------------


def _questionnaires(mission) -> list[dict]:
    """The texts of the questionnaires sent in the mission's campaigns (4 queries)."""
    questions = Question.objects.order_by("position", "pk").prefetch_related("choices")
    sections = Section.objects.order_by("position", "pk").prefetch_related(Prefetch("questions", queryset=questions))
    found = (
        Questionnaire.objects.filter(campaigns__mission=mission)
        .distinct()
        .order_by("title", "pk")
        .prefetch_related(Prefetch("sections", queryset=sections))
    )
    return [
        {
            "title": q.title,
            "description": q.description,
            "sections": [
                {
                    "title": section.title,
                    "questions": [
                        {
                            "text": question.text,
                            "type": question.get_type_display(),
                            "choices": [c.label for c in question.choices.all()],
                        }
                        for question in section.questions.all()
                    ],
                }
                for section in q.sections.all()
            ],
        }
        for q in found
    ]


def _people(mission) -> list[dict]:
    """The people met in interviews, by function and audience only — never by name (1 query)."""
    labels = dict(InterviewAudience.choices)
    rows = (
        Interviewee.objects.filter(interview__mission=mission, interview__status=Interview.Status.DONE)
        .values("function", "audience")
        .annotate(n=Count("pk"))
        .order_by("audience", "function")
    )
    return [
        {
            "function": row["function"] or _("Fonction non précisée"),
            "audience": _label(labels.get(row["audience"])),
            "n": row["n"],
        }
        for row in rows
    ]
