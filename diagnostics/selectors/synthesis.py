"""The « diagnostic smart »: the synthesis of a mission's diagnostic, section by section.

:func:`synthesis` returns a plain structure (dicts, lists, rendered SVG charts, French sentences)
that the page renders and that the final report's PDF will reuse. It issues a fixed number of
queries whatever the data size (``tests/diagnostics/test_synthesis.py`` locks it): every figure is
an aggregate in the database or a pass over a list loaded once.

The sentences state figures only; what they mean is the consultant's job.

The data is built for one reader (``user``) and already follows the rules of ``territoire.access``: the
questionnaire section is computed only for those who may read results (``can_see_results``), and only
consultants learn who was interviewed (``can_read_interviews``): everyone else reads interview sources as
« Entretien (confidentiel) », with no name and no date. A page or a report rendering this data cannot leak
what it was not given.
"""

from collections import Counter, defaultdict
from dataclasses import replace
from decimal import Decimal

import pygal
from django.conf import settings
from django.db.models import Count, Prefetch, Q, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from diagnostics.models import (
    Answer,
    Audience,
    Campaign,
    ChallengeCard,
    Finding,
    FindingSource,
    Importance,
    SourceKind,
    Workshop,
)
from diagnostics.selectors.interviews import interview_progress
from diagnostics.selectors.inventory import AlertKind, Severity, alerts, load_inventory
from diagnostics.selectors.results import _bars, _radar, breakdown_allowed, campaign_stats, chart_style
from territoire import access
from territoire.models import PST, NodeLevel, PSTNode, PSTNodeTag, SmartDimension, SmartTheme
from territoire.pst.selectors import theme_counts

TOP_FINDINGS = 8
# Importance from faible to critique in the colours of its badges: grey, cyan, amber, red.
IMPORTANCE_STYLE = chart_style(colors=("#6c757d", "#17a2b8", "#e0a800", "#b02a37"))


def _counts(series, *, stacked=False) -> dict:
    """pygal options for an axis of whole numbers (counts): ticks 0, 1, 2… or a round step."""
    columns = list(zip(*(values for _name, values in series), strict=True))
    top = max((sum(c) if stacked else max(c) for c in columns), default=0) or 1
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10**9) if top / s <= 10)
    top_tick = -(-top // step) * step
    return {"y_labels": list(range(0, top_tick + 1, step)), "range": (0, top_tick)}


def _count_bars(kind, x_labels, series, *, style=None, **options) -> str:
    extra = _counts(series, stacked=kind is pygal.StackedBar)
    if style is not None:
        extra["style"] = style
    return _bars(kind, x_labels, series, extra=extra, **options)


def _pct(part, whole) -> int:
    return round(100 * part / whole) if whole else 0


def synthesis(mission, *, user) -> dict:
    """The sections of the synthesis as ``user`` may read them (see the module's docstring)."""
    may_read_interviews = access.can_read_interviews(user, mission)
    return {
        "pst": pst_section(mission),
        "questionnaires": questionnaire_section(mission)
        if access.can_see_results(user, mission)
        else reserved_questionnaire_section(),
        "fieldwork": fieldwork_section(mission, may_read_interviews=may_read_interviews),
        "inventory": inventory_section(mission),
        "findings": findings_section(mission, may_read_interviews=may_read_interviews),
    }


# --- 1. PST ---------------------------------------------------------------------------------------


def pst_section(mission) -> dict:
    """Nodes tagged per theme, and the objectives the findings say call for digital projects (4 queries)."""
    pst = PST.objects.filter(commune=mission.commune_id).order_by("-start_year", "entity").first()
    linked = list(
        Finding.objects.filter(mission=mission, status=Finding.Status.OPEN)
        .values("objectives__pk", "objectives__code", "objectives__title", "objectives__level")
        .filter(objectives__isnull=False)
        .annotate(n=Count("pk"))
        .order_by("-n", "objectives__code")
    )
    objectives = [
        {
            "code": row["objectives__code"],
            "title": row["objectives__title"],
            "level": NodeLevel(row["objectives__level"]).label,
            "findings": row["n"],
        }
        for row in linked
    ]
    if pst is None:
        return {
            "pst": None,
            "objectives": objectives,
            "sentences": [_("Le PST de la commune n'est pas encore importé.")],
        }
    themes = [row for row in theme_counts(pst) if row["kind"] == PSTNodeTag.Kind.THEME]
    counts = PSTNode.objects.filter(pst=pst).aggregate(
        actions=Count("pk", filter=Q(level=NodeLevel.ACTION), distinct=True),
        tagged=Count("pk", filter=Q(level=NodeLevel.ACTION, tags__kind=PSTNodeTag.Kind.THEME), distinct=True),
        objectives=Count("pk", filter=Q(level__in=[NodeLevel.OS, NodeLevel.OO]), distinct=True),
    )
    sentences = []
    if counts["tagged"]:
        top = max(themes, key=lambda row: row["actions"])
        sentences.append(
            ngettext(
                "%(tagged)s des %(actions)s actions du PST est étiquetée par thème ; %(top)s actions relèvent "
                "d'abord du thème « %(theme)s ».",
                "%(tagged)s des %(actions)s actions du PST sont étiquetées par thème ; %(top)s relèvent "
                "du thème « %(theme)s », le plus représenté.",
                counts["tagged"],
            )
            % {"tagged": counts["tagged"], "actions": counts["actions"], "top": top["actions"], "theme": top["label"]}
        )
        empty = [str(row["label"]) for row in themes if not row["total"]]
        if empty:
            sentences.append(_("Aucun élément du PST ne relève de : %(themes)s.") % {"themes": ", ".join(empty)})
    else:
        sentences.append(
            _("Le PST compte %(actions)s actions, aucune n'est encore étiquetée par thème.")
            % {"actions": counts["actions"]}
        )
    if objectives:
        sentences.append(
            ngettext(
                "%(n)s objectif du PST appelle un projet numérique selon les constats.",
                "%(n)s objectifs du PST appellent un projet numérique selon les constats.",
                len(objectives),
            )
            % {"n": len(objectives)}
        )
    chart = ""
    if any(row["total"] for row in themes):
        chart = _count_bars(
            pygal.HorizontalBar,
            [row["label"] for row in themes],
            (
                (_("Objectifs"), tuple(row["os"] + row["oo"] for row in themes)),
                (_("Actions"), tuple(row["actions"] for row in themes)),
            ),
            height=110 + 30 * len(themes),
            ident="synthesis-pst",
            title=_("Éléments du PST étiquetés par thème"),
        )
    return {
        "pst": pst,
        "themes": themes,
        "counts": counts,
        "coverage": _pct(counts["tagged"], counts["actions"]),
        "objectives": objectives,
        "chart": chart,
        "sentences": sentences,
    }


# --- 2. Questionnaires ----------------------------------------------------------------------------


def questionnaire_section(mission) -> dict:
    """Participation per audience and maturity per dimension and theme across all campaigns (4 queries)."""
    campaigns = list(Campaign.objects.filter(mission=mission).order_by("audience", "opens_at"))
    stats = campaign_stats(campaigns)
    labels = dict(Audience.choices)
    order = list(labels)
    per_audience = defaultdict(lambda: {"invited": 0, "submitted": 0, "invited_submitted": 0, "campaigns": 0})
    for row in stats:
        entry = per_audience[row["campaign"].audience]
        entry["invited"] += row["invited"]
        entry["submitted"] += row["submitted"]
        entry["invited_submitted"] += row["invited_submitted"]
        entry["campaigns"] += 1
    audiences = sorted(per_audience, key=order.index)
    participation = [
        {
            "audience": labels[a],
            **per_audience[a],
            # Invited people who answered: public-link responses are not invitations (never above 100 %).
            "rate": _pct(per_audience[a]["invited_submitted"], per_audience[a]["invited"])
            if per_audience[a]["invited"]
            else None,
        }
        for a in audiences
    ]
    rows = (
        Answer.objects.filter(
            response__campaign__mission=mission,
            response__submitted_at__isnull=False,
            question__counts_for_maturity=True,
            score__isnull=False,
        )
        .values("question__dimension", "question__theme", "response__campaign__audience")
        .annotate(total=Sum("score"), n=Count("score"))
        .order_by()
    )
    sums = {"dimension": defaultdict(lambda: [Decimal(0), 0]), "theme": defaultdict(lambda: [Decimal(0), 0])}
    for row in rows:
        aud = row["response__campaign__audience"]
        for axis in ("dimension", "theme"):
            value = row[f"question__{axis}"]
            if value:
                sums[axis][(value, aud)][0] += row["total"]
                sums[axis][(value, aud)][1] += row["n"]
    scored = sorted({aud for axis in sums.values() for (_v, aud) in axis}, key=order.index)
    # Anonymous audiences with too few responses do not stand beside the others (see results.breakdown_allowed).
    anonymous = {c.audience for c in campaigns if c.anonymous}
    hidden = (
        [a for a in scored if a in anonymous and not breakdown_allowed(per_audience[a]["submitted"])]
        if len(scored) > 1
        else []
    )
    if hidden:
        scored = [a for a in scored if a not in hidden]
        for axis in sums.values():
            for key in [k for k in axis if k[1] in hidden]:
                del axis[key]
    maturity = {}
    for axis, choices in (("dimension", SmartDimension), ("theme", SmartTheme)):
        table = defaultdict(dict)
        for (value, aud), (total, n) in sums[axis].items():
            table[value][aud] = float(total / n)
        axes = [(value, label) for value, label in choices.choices if value in table]
        maturity[axis] = {
            "rows": [(label, [table[value].get(a) for a in scored]) for value, label in axes],
            "radar": _radar(axes, table, scored, labels) if len(axes) >= 3 else "",
            "averages": {
                value: _mean([sums[axis][(value, a)] for a in scored if (value, a) in sums[axis]])
                for value, _l in axes
            },
        }
    submitted = sum(p["submitted"] for p in participation)
    sentences = []
    if campaigns:
        sentences.append(
            ngettext(
                "%(responses)s réponses reçues à %(campaigns)s campagne.",
                "%(responses)s réponses reçues à %(campaigns)s campagnes.",
                len(campaigns),
            )
            % {"responses": submitted, "campaigns": len(campaigns)}
        )
        rated = [p for p in participation if p["rate"] is not None]
        if rated:
            sentences.append(
                _("Taux de réponse : %(rates)s.")
                % {"rates": ", ".join(f"{p['audience']} {p['rate']} %" for p in rated)}
            )
    else:
        sentences.append(_("Aucune campagne de questionnaire n'a encore été lancée."))
    dims = maturity["dimension"]["averages"]
    if dims:
        low = min(dims, key=dims.get)
        high = max(dims, key=dims.get)
        sentences.append(
            _(
                "Maturité moyenne la plus basse : %(low)s (%(low_score)s/100) ; "
                "la plus haute : %(high)s (%(high_score)s/100)."
            )
            % {
                "low": SmartDimension(low).label,
                "low_score": number_format(dims[low], 0),
                "high": SmartDimension(high).label,
                "high_score": number_format(dims[high], 0),
            }
        )
    if hidden:
        sentences.append(
            ngettext(
                "Maturité de %(audiences)s non affichée : moins de %(n)s réponse, pour préserver l'anonymat.",
                "Maturité de %(audiences)s non affichée : moins de %(n)s réponses, pour préserver l'anonymat.",
                settings.ANONYMOUS_MIN_GROUP_SIZE,
            )
            % {"audiences": ", ".join(str(labels[a]) for a in hidden), "n": settings.ANONYMOUS_MIN_GROUP_SIZE}
        )
    chart = ""
    if participation:
        chart = _count_bars(
            pygal.Bar,
            [p["audience"] for p in participation],
            ((_("Réponses reçues"), tuple(p["submitted"] for p in participation)),),
            height=280,
            ident="synthesis-participation",
            title=_("Réponses reçues par public"),
        )
    return {
        "campaigns": stats,
        "participation": participation,
        "submitted": submitted,
        "audiences": [labels[a] for a in scored],
        "hidden_audiences": [labels[a] for a in hidden],
        "maturity": maturity,
        "chart": chart,
        "sentences": sentences,
    }


def reserved_questionnaire_section() -> dict:
    """What a reader who may not read results gets: no figure, no score, one sentence (no query)."""
    return {
        "reserved": True,
        "campaigns": [],
        "participation": [],
        "submitted": None,
        "audiences": [],
        "maturity": {},
        "chart": "",
        "sentences": [
            _("Les résultats des questionnaires sont réservés au Collège et aux consultants de la mission.")
        ],
    }


def _mean(pairs) -> float:
    total = sum((p[0] for p in pairs), Decimal(0))
    n = sum(p[1] for p in pairs)
    return float(total / n) if n else 0.0


# --- 3. Interviews and workshops ------------------------------------------------------------------


def fieldwork_section(mission, *, may_read_interviews: bool) -> dict:
    """Interviews done against the target, audiences met; workshops and their top challenges (6 queries).

    Who was or will be met (the members planned or not yet met) stays with those who read interviews.
    """
    progress = interview_progress(mission)
    if not may_read_interviews:
        progress = replace(progress, not_met=[], planned_members=[])
    workshops = Workshop.objects.filter(mission=mission).aggregate(
        total=Count("pk", distinct=True), cards=Count("cards", distinct=True)
    )
    challenges = list(
        ChallengeCard.objects.filter(workshop__mission=mission, selected=True)
        .with_votes()
        .select_related("workshop")
        .order_by("-vote_count", "workshop__date", "rank")[:10]
    )
    met = [(label, n) for label, n in progress.people_by_audience if n]
    sentences = [
        _("%(done)s entretiens réalisés sur un objectif de %(target)s.")
        % {"done": progress.done, "target": progress.target}
    ]
    if progress.planned:
        sentences.append(
            ngettext(
                "%(n)s autre entretien est planifié.", "%(n)s autres entretiens sont planifiés.", progress.planned
            )
            % {"n": progress.planned}
        )
    if met:
        sentences.append(_("Publics rencontrés : %(met)s.") % {"met": ", ".join(f"{label} ({n})" for label, n in met)})
    if progress.audiences_missing:
        sentences.append(
            _("Publics pas encore rencontrés : %(missing)s.")
            % {"missing": ", ".join(str(label) for label in progress.audiences_missing)}
        )
    if workshops["total"]:
        sentences.append(
            ngettext(
                "%(workshops)s atelier a produit %(cards)s cartes défis ; %(top)s défis ont été retenus.",
                "%(workshops)s ateliers ont produit %(cards)s cartes défis ; %(top)s défis ont été retenus.",
                workshops["total"],
            )
            % {"workshops": workshops["total"], "cards": workshops["cards"], "top": len(challenges)}
        )
    else:
        sentences.append(_("Aucun atelier d'idéation n'a encore eu lieu."))
    interview_chart = ""
    if progress.done:
        interview_chart = _count_bars(
            pygal.HorizontalBar,
            [label for label, _n in progress.people_by_audience],
            ((_("Personnes rencontrées"), tuple(n for _l, n in progress.people_by_audience)),),
            height=120 + 40 * len(progress.people_by_audience),
            ident="synthesis-interviews",
            title=_("Personnes rencontrées par public"),
        )
    workshop_chart = ""
    if challenges:
        workshop_chart = _count_bars(
            pygal.HorizontalBar,
            [c.text if len(c.text) <= 60 else c.text[:57] + "…" for c in challenges],
            ((_("Votes"), tuple(c.vote_count for c in challenges)),),
            height=120 + 40 * len(challenges),
            ident="synthesis-workshops",
            title=_("Votes des défis retenus"),
        )
    return {
        "progress": progress,
        "workshops": workshops,
        "challenges": challenges,
        "interview_chart": interview_chart,
        "workshop_chart": workshop_chart,
        "sentences": sentences,
    }


# --- 4. Inventory ---------------------------------------------------------------------------------


def inventory_section(mission) -> dict:
    """Alerts of the inventory by kind and severity (3 queries)."""
    systems, flows, needs = load_inventory(mission.commune)
    found = alerts(systems, flows, needs)
    by_kind = Counter((a.kind, a.severity) for a in found)
    kinds = [(value, label) for value, label in AlertKind.choices if any(k == value for k, _s in by_kind)]
    rows = [
        {
            "kind": label,
            "counts": [by_kind.get((value, severity), 0) for severity in Severity.values],
            "total": sum(by_kind.get((value, s), 0) for s in Severity.values),
        }
        for value, label in kinds
    ]
    high = sum(1 for a in found if a.severity == Severity.HIGH)
    sentences = [
        ngettext(
            "%(systems)s outil inventorié, %(alerts)s alertes dont %(high)s de gravité importante.",
            "%(systems)s outils inventoriés, %(alerts)s alertes dont %(high)s de gravité importante.",
            len(systems),
        )
        % {"systems": len(systems), "alerts": len(found), "high": high}
    ]
    if rows:
        top = max(rows, key=lambda r: r["total"])
        sentences.append(_("Alerte la plus fréquente : %(kind)s (%(n)s).") % {"kind": top["kind"], "n": top["total"]})
    chart = ""
    if rows:
        chart = _count_bars(
            pygal.StackedBar,
            [r["kind"] for r in rows],
            tuple((str(label), tuple(r["counts"][i] for r in rows)) for i, (_v, label) in enumerate(Severity.choices)),
            height=320,
            ident="synthesis-alerts",
            title=_("Alertes par type et gravité"),
        )
    return {
        "systems": len(systems),
        "flows": len(flows),
        "alerts": found,
        "high": high,
        "rows": rows,
        "severities": [label for _v, label in Severity.choices],
        "chart": chart,
        "sentences": sentences,
    }


# --- 5. Findings ----------------------------------------------------------------------------------


def source_label(source: FindingSource, *, may_read_interviews: bool) -> str:
    """A source as one line of text; an interview names its people and date only to those who read interviews."""
    if source.kind == SourceKind.INTERVIEW:
        if not may_read_interviews:
            return _("Entretien (confidentiel)")
        return f"{_('Entretien')} — {source.interview} ({source.interview.scheduled_at:%d/%m/%Y})"
    return f"{source.get_kind_display()} : {source.label}"


def findings_section(mission, *, may_read_interviews: bool) -> dict:
    """Open findings by theme and importance, and the most important ones with their sources (4 or 5 queries)."""
    open_findings = Finding.objects.filter(mission=mission, status=Finding.Status.OPEN)
    counts = {
        (row["theme"], row["importance"]): row["n"]
        for row in open_findings.values("theme", "importance").annotate(n=Count("pk")).order_by()
    }
    sources = FindingSource.objects.select_related("question", "card", "pst_node")
    if may_read_interviews:
        # Nobody else reads an interviewee's name: it is not even loaded for them.
        sources = sources.select_related("interview").prefetch_related("interview__interviewees")
    top = list(
        open_findings.annotate(
            source_count=Count("sources", distinct=True), objective_count=Count("objectives", distinct=True)
        )
        .order_by("-importance", "-source_count", "pk")
        .prefetch_related(Prefetch("sources", queryset=sources))[:TOP_FINDINGS]
    )
    for finding in top:
        finding.source_labels = [
            source_label(source, may_read_interviews=may_read_interviews) for source in finding.sources.all()
        ]
    total = sum(counts.values())
    theme_labels = dict(SmartTheme.choices)
    themes = [value for value, _l in SmartTheme.choices if any(t == value for t, _i in counts)]
    if any(t == "" for t, _i in counts):
        themes.append("")
    by_importance = [
        (label, sum(n for (_t, i), n in counts.items() if i == value)) for value, label in reversed(Importance.choices)
    ]
    sentences = []
    if total:
        high = sum(n for (_t, i), n in counts.items() if i >= Importance.HIGH)
        by_theme = Counter()
        for (theme, _i), n in counts.items():
            by_theme[theme] += n
        theme, n = by_theme.most_common(1)[0]
        sentences.append(
            ngettext(
                "%(total)s constat ouvert, dont %(high)s d'importance forte ou critique.",
                "%(total)s constats ouverts, dont %(high)s d'importance forte ou critique.",
                total,
            )
            % {"total": total, "high": high}
        )
        sentences.append(
            _("Le thème qui en réunit le plus : %(theme)s (%(n)s, soit %(pct)s %%).")
            % {"theme": theme_labels.get(theme, _("sans thème")), "n": n, "pct": _pct(n, total)}
        )
    else:
        sentences.append(_("Aucun constat n'a encore été formulé."))
    chart = ""
    if total:
        chart = _count_bars(
            pygal.StackedBar,
            [theme_labels.get(t, _("Sans thème")) for t in themes],
            tuple(
                (str(label), tuple(counts.get((t, value), 0) for t in themes)) for value, label in Importance.choices
            ),
            height=340,
            ident="synthesis-findings",
            title=_("Constats par thème et importance"),
            style=IMPORTANCE_STYLE,
        )
    return {
        "total": total,
        "by_importance": by_importance,
        "top": top,
        "chart": chart,
        "sentences": sentences,
    }
