"""Template helpers of the PST screens and of the diagnostic hub's PST card."""

from django import template
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

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


# The tree's badges and tagging control are drawn here rather than by an {% include %}: a 5 110-node tree
# draws each of them thousands of times (benchmarks/README.md, « PST tree's tagging controls »).
TAG_BADGE = '<span class="badge rounded-pill text-bg-light border small ms-1">{}</span>'


@register.simple_tag
def pst_tags(node, tags, oob=False):
    """A row's theme badges, under the id that saving its themes from the tree swaps (out of band)."""
    return format_html(
        '<span class="pst-tags" id="pst-tags-{}"{}>{}</span>',
        node.pk,
        mark_safe(' hx-swap-oob="true"') if oob else "",
        format_html_join("", TAG_BADGE, ((tag.label,) for tag in tags)),
    )


# Reversed once per page with this stand-in for the node's id, then filled in for each row.
NODE_ID_STAND_IN = 987654321987


@register.simple_tag(takes_context=True)
def pst_tag_control(context, mission, node, focus=False, saved=False):
    """The row's themes control: a link to the node's form, which htmx turns into the form opened in the row
    (the tree sets ``hx-target``/``hx-swap`` once for all its controls). Closed again, it takes the focus
    back; once saved, it also says so."""
    cache = context.render_context
    if "pst_tag_control" not in cache:
        args = [mission.pk, NODE_ID_STAND_IN]
        cache["pst_tag_control"] = (
            reverse("territoire:pst-node", args=args) + "#node-tags",
            reverse("territoire:pst-node-tags-inline", args=args),
            _("Thèmes de %(node)s"),
        )
    page, inline, label = cache["pst_tag_control"]
    node_id = str(node.pk)
    status = format_html(
        '<span class="text-success small" role="status"><i class="bi bi-check2" aria-hidden="true"></i>'
        '<span class="visually-hidden">{}</span></span>',
        _("Thèmes enregistrés."),
    )
    return format_html(
        '<div class="pst-tagger"><a class="btn btn-outline-secondary btn-sm py-0 px-1" href="{}" hx-get="{}"{}>'
        '<i class="bi bi-tags" aria-hidden="true"></i><span class="visually-hidden">{}</span></a>{}</div>',
        page.replace(str(NODE_ID_STAND_IN), node_id),
        inline.replace(str(NODE_ID_STAND_IN), node_id),
        mark_safe(" autofocus") if focus or saved else "",
        label % {"node": node.code or node.title},
        status if saved else "",
    )
