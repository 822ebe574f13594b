"""Template helpers of the findings: the hub card's figures."""

from django import template
from django.db.models import Count

register = template.Library()


@register.simple_tag
def findings_summary(mission):
    """Open findings by importance, most important first (one query)."""
    from diagnostics.models import Finding, Importance

    rows = dict(
        Finding.objects.open().filter(mission=mission).values_list("importance").annotate(n=Count("pk")).order_by()
    )
    return {
        "total": sum(rows.values()),
        "by_importance": [(value, label, rows.get(value, 0)) for value, label in reversed(Importance.choices)],
    }
