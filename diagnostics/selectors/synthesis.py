"""The « diagnostic smart »: the synthesis of a mission's diagnostic, section by section.

:func:`synthesis` returns a plain structure (dicts, lists, rendered SVG charts, French sentences)
that the page renders and that the final report's PDF will reuse. The sections of the inventory and of
the findings live with their subdomain (``selectors.inventory``, ``selectors.findings``); the charts are
drawn by ``territoire.charts``. It issues a fixed number of
queries whatever the data size (``tests/diagnostics/test_synthesis.py`` locks it): every figure is
an aggregate in the database or a pass over a list loaded once.

The sentences state figures only; what they mean is the consultant's job.

The data is built for one reader (``user``) and already follows the rules of ``territoire.access``: the
questionnaire section is computed only for those who may read results (``can_see_results``), and only
consultants learn who was interviewed (``can_read_interviews``): everyone else reads interview sources as
« Entretien (confidentiel) », with no name and no date. A page or a report rendering this data cannot leak
what it was not given.
"""

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from diagnostics.anonymity import breakdown_allowed
from diagnostics.models import (
    Answer,
    Audience,
    Campaign,
    ChallengeCard,
    Finding,
    Workshop,
)
from diagnostics.selectors.campaigns import campaign_stats
from diagnostics.selectors.findings import findings_section
from diagnostics.selectors.interviews import interview_progress
from diagnostics.selectors.inventory import inventory_section
from diagnostics.selectors.results import maturity_axis
from territoire import access, charts
from territoire.models import PST, NodeLevel, PSTNode, PSTNodeTag, SmartDimension, SmartTheme
from territoire.pst.selectors import theme_counts


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
        tagged = ngettext(
            "%(tagged)s des %(actions)s actions du PST est étiquetée par thème",
            "%(tagged)s des %(actions)s actions du PST sont étiquetées par thème",
            counts["tagged"],
        ) % {"tagged": counts["tagged"], "actions": counts["actions"]}
        leading = ngettext(
            "%(top)s relève du thème « %(theme)s », le plus représenté",
            "%(top)s relèvent du thème « %(theme)s », le plus représenté",
            top["actions"],
        ) % {"top": top["actions"], "theme": top["label"]}
        sentences.append(_("%(tagged)s ; %(leading)s.") % {"tagged": tagged, "leading": leading})
        empty = [str(row["label"]) for row in themes if not row["total"]]
        if empty:
            sentences.append(_("Aucun élément du PST ne relève de : %(themes)s.") % {"themes": ", ".join(empty)})
    else:
        sentences.append(
            ngettext(
                "Le PST compte %(actions)s action, qui n'est pas encore étiquetée par thème.",
                "Le PST compte %(actions)s actions, aucune n'est encore étiquetée par thème.",
                counts["actions"],
            )
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
        chart = charts.bars(
            [row["label"] for row in themes],
            (
                (_("Objectifs"), tuple(row["os"] + row["oo"] for row in themes)),
                (_("Actions"), tuple(row["actions"] for row in themes)),
            ),
            horizontal=True,
            counts=True,
            ident="synthesis-pst",
            title=_("Éléments du PST étiquetés par thème"),
            caption=_("Nombre d'objectifs et d'actions du PST étiquetés par thème smart."),
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
        maturity[axis] = maturity_axis(sums[axis], choices, scored, labels)
        maturity[axis]["averages"] = {
            value: _mean([sums[axis][(value, a)] for a in scored if (value, a) in sums[axis]])
            for value, _l in choices.choices
            if any(v == value for v, _a in sums[axis])
        }
    submitted = sum(p["submitted"] for p in participation)
    sentences = []
    if campaigns:
        # Two counts, two plurals: « 1 réponse reçue pour 3 campagnes », « 26 réponses reçues pour 1 campagne ».
        received = ngettext("%(responses)s réponse reçue", "%(responses)s réponses reçues", submitted) % {
            "responses": submitted
        }
        sentences.append(
            ngettext(
                "%(received)s pour %(campaigns)s campagne.",
                "%(received)s pour %(campaigns)s campagnes.",
                len(campaigns),
            )
            % {"received": received, "campaigns": len(campaigns)}
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
                "low_score": number_format(round(dims[low]), 0),
                "high": SmartDimension(high).label,
                "high_score": number_format(round(dims[high]), 0),
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
        chart = charts.bars(
            [p["audience"] for p in participation],
            ((_("Réponses reçues"), tuple(p["submitted"] for p in participation)),),
            counts=True,
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
        total=Count("pk", distinct=True),
        card_count=Count("cards", distinct=True),
        # All the retained challenges, not only the ten best shown below.
        selected=Count("cards", filter=Q(cards__selected=True), distinct=True),
    )
    workshops["cards"] = workshops.pop("card_count")  # an alias named "cards" would hide the relation above
    challenges = list(
        ChallengeCard.objects.filter(workshop__mission=mission, selected=True)
        .with_votes()
        .select_related("workshop")
        .order_by("-vote_count", "workshop__date", "rank")[:10]
    )
    met = [(label, n) for label, n in progress.people_by_audience if n]
    sentences = [
        ngettext(
            "%(done)s entretien réalisé sur un objectif de %(target)s.",
            "%(done)s entretiens réalisés sur un objectif de %(target)s.",
            progress.done,
        )
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
        produced = ngettext(
            "%(workshops)s atelier a produit", "%(workshops)s ateliers ont produit", workshops["total"]
        ) % {"workshops": workshops["total"]}
        cards = ngettext("%(cards)s carte défi", "%(cards)s cartes défis", workshops["cards"]) % {
            "cards": workshops["cards"]
        }
        retained = ngettext("%(top)s défi a été retenu", "%(top)s défis ont été retenus", workshops["selected"]) % {
            "top": workshops["selected"]
        }
        sentences.append(
            _("%(produced)s %(cards)s ; %(retained)s.") % {"produced": produced, "cards": cards, "retained": retained}
        )
    else:
        sentences.append(_("Aucun atelier d'idéation n'a encore eu lieu."))
    interview_chart = ""
    if progress.done:
        interview_chart = charts.bars(
            [label for label, _n in progress.people_by_audience],
            ((_("Personnes rencontrées"), tuple(n for _l, n in progress.people_by_audience)),),
            horizontal=True,
            counts=True,
            ident="synthesis-interviews",
            title=_("Personnes rencontrées par public"),
        )
    workshop_chart = ""
    if challenges:
        workshop_chart = charts.bars(
            [c.text for c in challenges],
            ((_("Votes"), tuple(c.vote_count for c in challenges)),),
            horizontal=True,
            counts=True,
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
