"""Template helpers of the diagnostic's fieldwork: interview notes, hub card figures, badges."""

from django import template
from django.db.models import Count, Q

from diagnostics.notes import render_notes
from diagnostics.selectors.inventory import SEVERITY_TONES

register = template.Library()


@register.filter
def notes(text):
    """Interview notes with their light formatting, HTML-escaped (see ``diagnostics.notes``)."""
    return render_notes(text)


@register.simple_tag
def fieldwork_summary(mission):
    """The figures of the hub's cards (interviews, workshops, inventory): six queries, once per request
    (the three cards share the mission object, which keeps the result)."""
    cached = getattr(mission, "_fieldwork_summary", None)
    if cached is not None:
        return cached
    from diagnostics.models import Interview, Workshop
    from diagnostics.selectors.interviews import interview_target
    from diagnostics.selectors.inventory import alerts as inventory_alerts
    from diagnostics.selectors.inventory import load_inventory

    interviews = Interview.objects.filter(mission=mission).aggregate(
        done=Count("pk", filter=Q(status="done")), planned=Count("pk", filter=Q(status="planned"))
    )
    workshops = Workshop.objects.filter(mission=mission).aggregate(
        total=Count("pk", distinct=True), selected=Count("cards", filter=Q(cards__selected=True))
    )
    systems, flows, needs = load_inventory(mission.commune)
    alerts = inventory_alerts(systems, flows, needs)
    mission._fieldwork_summary = {
        "interviews_done": interviews["done"],
        "interviews_planned": interviews["planned"],
        "interview_target": interview_target(mission),
        "workshops": workshops["total"],
        "challenges": workshops["selected"],
        "systems": len(systems),
        "alerts": len(alerts),
        "high_alerts": sum(1 for a in alerts if a.severity == "high"),
    }
    return mission._fieldwork_summary


SEVERITY_BADGES = {severity: f"text-bg-{tone}" for severity, tone in SEVERITY_TONES.items()}
STATUS_BADGES = {
    "planned": "text-bg-info",
    "done": "text-bg-success",
    "cancelled": "text-bg-secondary",
    "running": "text-bg-primary",
    "stopped": "text-bg-secondary",
}


@register.filter
def severity_badge(severity):
    return SEVERITY_BADGES.get(severity, "text-bg-light")


@register.filter
def status_badge(status):
    return STATUS_BADGES.get(status, "text-bg-light")
