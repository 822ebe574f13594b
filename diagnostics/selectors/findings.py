"""Reads over findings: the findings section of the synthesis and the one-line labels of their sources."""

from collections import Counter

from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from diagnostics.models import Finding, FindingSource, Importance, SourceKind
from diagnostics.models.findings import IMPORTANCE_TONES
from territoire import charts
from territoire.models import SmartTheme

TOP_FINDINGS = 8


def source_label(source: FindingSource, *, may_read_interviews: bool) -> str:
    """A source as one line of text; an interview names its people and date only to those who read interviews."""
    if source.kind == SourceKind.INTERVIEW:
        if not may_read_interviews:
            return _("Entretien (confidentiel)")
        day = timezone.localtime(source.interview.scheduled_at)  # Brussels' calendar day, not UTC's
        return f"{_('Entretien')} — {source.interview} ({day:%d/%m/%Y})"
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
            % {"theme": theme_labels.get(theme, _("sans thème")), "n": n, "pct": round(100 * n / total)}
        )
    else:
        sentences.append(_("Aucun constat n'a encore été formulé."))
    chart = ""
    if total:
        chart = charts.bars(
            [theme_labels.get(t, _("Sans thème")) for t in themes],
            tuple(
                (str(label), tuple(counts.get((t, value), 0) for t in themes)) for value, label in Importance.choices
            ),
            stacked=True,
            counts=True,
            ident="synthesis-findings",
            title=_("Constats par thème et importance"),
            colors=charts.tones(IMPORTANCE_TONES[value] for value in Importance.values),
        )
    return {
        "total": total,
        "by_importance": by_importance,
        "top": top,
        "chart": chart,
        "sentences": sentences,
    }
