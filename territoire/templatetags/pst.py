"""Template helpers of the PST screens and of the diagnostic hub's PST card."""

from django import template
from django.db.models import Count, Q

from territoire.models import PST, BudgetSource, NodeLevel, NodeState, Volet

register = template.Library()

STATE_BADGES = {
    NodeState.NOT_STARTED: "text-bg-light border",
    NodeState.IN_PROGRESS: "text-bg-primary",
    NodeState.WAITING: "text-bg-warning",
    NodeState.PROBLEM: "text-bg-danger",
    NodeState.DONE: "text-bg-success",
    NodeState.ABANDONED: "text-bg-secondary",
}


@register.filter
def state_badge(state):
    return STATE_BADGES.get(state, "text-bg-light border")


@register.filter
def choice_label(value, kind):
    """The French label of a stored choice value: ``{{ node.state|choice_label:"state" }}``."""
    choices = {"state": NodeState, "level": NodeLevel, "volet": Volet, "source": BudgetSource}[kind]
    try:
        return choices(value).label
    except ValueError:
        return value or ""


@register.simple_tag
def pst_summary(commune):
    """The commune's latest PST with its counts, for the diagnostic hub (one query).

    Every count is ``distinct``: the join on tags repeats a node once per tag, and a node with two
    themes must still count once.
    """
    return (
        PST.objects.for_commune(commune)
        .annotate(
            os_count=Count("nodes", filter=Q(nodes__level=NodeLevel.OS), distinct=True),
            oo_count=Count("nodes", filter=Q(nodes__level=NodeLevel.OO), distinct=True),
            action_count=Count("nodes", filter=Q(nodes__level=NodeLevel.ACTION), distinct=True),
            tagged_count=Count("nodes", filter=Q(nodes__tags__isnull=False), distinct=True),
        )
        .order_by("-start_year", "entity")
        .first()
    )
