"""Template helpers of the PST screens and of the diagnostic hub's PST card."""

from django import template
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import escape, format_html
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


# The tree's rows, badges and tagging control are drawn here rather than by an {% include %} or a template
# block per row: a 5 110-node tree draws each of them thousands of times, and every byte of a row counts
# 5 000 times (benchmarks/README.md, « PST tree's tagging controls »). An action's row carries no class
# that the tree's CSS (.pst-actions) can give it, and no tagging control: pst.js adds those (see
# pst_tag_control).
TAG_BADGE = '<span class="badge rounded-pill text-bg-light border small ms-1">{}</span>'

# A node URL is reversed once per page with this stand-in for the node's id, then filled in for each row.
NODE_ID_STAND_IN = 987654321987


def _node_url(context, name: str, mission) -> str:
    """The URL of ``name`` for the mission and any node, with ``{node}`` in place of the node's id
    (reversed once per render)."""
    cache = context.render_context.setdefault("pst_node_urls", {})
    if name not in cache:
        cache[name] = reverse(name, args=[mission.pk, NODE_ID_STAND_IN]).replace(str(NODE_ID_STAND_IN), "{node}")
    return cache[name]


SAVED_STATUS = (
    '<span class="text-success small ms-1" role="status"><i class="bi bi-check2" aria-hidden="true"></i>'
    '<span class="visually-hidden">{}</span></span>'
)


@register.simple_tag
def pst_tags(node, tags, oob=False, saved=False):
    """A row's theme badges, under the id that saving its themes from the tree swaps (out of band); just
    saved, they say so. Drawn 5 110 times in a large tree, mostly empty: no ``format_html`` here."""
    return mark_safe(
        '<span class="pst-tags" id="pst-tags-{}"{}>{}{}</span>'.format(
            int(node.pk),
            ' hx-swap-oob="true"' if oob else "",
            "".join(TAG_BADGE.format(escape(tag.label)) for tag in tags),
            format_html(SAVED_STATUS, _("Thèmes enregistrés.")) if saved else "",
        )
    )


STATE_BADGE = '<span class="badge {}">{}</span>'
ACTION_ROW = (
    '<li><span class="pst-code">{code}</span><span class="pst-title"><a href="{url}">{title}</a>{tags}</span>'
    '<span class="pst-meta">{service}{state}</span></li>'
)


@register.simple_tag(takes_context=True)
def pst_action(context, mission, item):
    """An action's row of the tree: code, title (its page), badges, service and state.

    Every value is escaped here (``escape``) and the state badges drawn once per page: ``format_html``
    and ``get_state_display`` for each of 5 000 rows took half the page's time."""
    cache = context.render_context
    if "pst_action" not in cache:
        cache["pst_action"] = (
            _node_url(context, "territoire:pst-node", mission),
            {value: format_html(STATE_BADGE, state_badge(value), label) for value, label in NodeState.choices},
        )
    url, states = cache["pst_action"]
    node = item.node
    return mark_safe(
        ACTION_ROW.format(
            code=escape(node.code),
            url=url.replace("{node}", str(node.pk)),
            title=escape(node.title),
            tags=pst_tags(node, item.tags),
            service=f"<span>{escape(node.service)}</span>" if node.service else "",
            state=(states.get(node.state) or format_html(STATE_BADGE, state_badge(node.state), node.state))
            if node.state
            else "",
        )
    )


@register.simple_tag(takes_context=True)
def pst_tag_url(context, mission):
    """The tree's tagging URL for any node, ``{node}`` standing for its id: pst.js fills it in."""
    return _node_url(context, "territoire:pst-node-tags-inline", mission)


@register.simple_tag
def pst_tag_control(node=None, focus=False):
    """A row's themes control, which opens the node's themes form in place (pst.js, htmx).

    The tree holds it once, without a node, in a <template> that pst.js copies into every row with the
    row's node and name; the tree's htmx answers give it back with its node, taking the focus back.
    """
    label = _("Thèmes de %(node)s")
    return format_html(
        '<button type="button" class="pst-tagger btn btn-outline-secondary btn-sm py-0 px-1"{} aria-label="{}"{}>'
        '<i class="bi bi-tags" aria-hidden="true"></i></button>',
        format_html(' data-node="{}"', node.pk) if node else "",
        label % {"node": node.code or node.title} if node else label,
        mark_safe(" autofocus") if focus else "",
    )
