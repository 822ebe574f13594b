"""Reads of a PST for its pages: the filtered tree and the counts per theme, in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from territoire.models import NodeLevel, PSTNode, PSTNodeTag, SmartDimension, SmartTheme
from territoire.pst.values import normalize


@dataclass
class TreeNode:
    node: PSTNode
    children: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    matches: bool = True

    @property
    def action_count(self) -> int:
        if self.node.level == NodeLevel.OO:
            return len(self.children)
        return sum(len(child.children) for child in self.children)


def tree(pst, *, q="", volet="", state="", service="", theme="") -> tuple[list[TreeNode], dict]:
    """OS → OO → actions, keeping the actions that pass the filters and the objectives above them.

    Three queries: nodes, action ↔ OO links, tags. Also returns the numbers shown above the tree.
    """
    nodes = list(
        PSTNode.objects.filter(pst=pst)
        .only(
            "id",
            "level",
            "code",
            "title",
            "volet",
            "parent_id",
            "service",
            "state",
            "progress",
            "budget",
            "end_date",
            "position",
        )
        .order_by("position")
    )
    links = PSTNode.objectives.through.objects.filter(from_pstnode__pst=pst).values_list(
        "from_pstnode_id", "to_pstnode_id"
    )
    tags: dict[int, list] = {}
    for tag in PSTNodeTag.objects.filter(node__pst=pst).only("node_id", "kind", "value"):
        tags.setdefault(tag.node_id, []).append(tag)
    items = {n.pk: TreeNode(n, tags=tags.get(n.pk, [])) for n in nodes}
    filtering = any((q, volet, state, service, theme))
    words = normalize(q)

    def passes(item: TreeNode) -> bool:
        n = item.node
        if volet and n.volet != volet:
            return False
        if state and n.state != state:
            return False
        if service and n.service != service:
            return False
        if theme and not any(t.kind == PSTNodeTag.Kind.THEME and t.value == theme for t in item.tags):
            return False
        return not words or words in normalize(f"{n.code} {n.title}")

    roots = [items[n.pk] for n in nodes if n.level == NodeLevel.OS]
    for n in nodes:
        if n.level == NodeLevel.OO and n.parent_id in items:
            items[n.parent_id].children.append(items[n.pk])
    for action_id, oo_id in links:
        if oo_id in items and action_id in items:
            items[oo_id].children.append(items[action_id])
    shown_actions = set()
    if filtering:
        for os_item in roots:
            for oo_item in os_item.children:
                oo_item.children = [a for a in oo_item.children if passes(a)]
                oo_item.matches = bool(oo_item.children) or (not (state or service) and passes(oo_item))
            os_item.children = [oo for oo in os_item.children if oo.matches]
            os_item.matches = bool(os_item.children) or (not (state or service) and passes(os_item))
        roots = [os_item for os_item in roots if os_item.matches]
    for os_item in roots:
        for oo_item in os_item.children:
            oo_item.children.sort(key=lambda a: a.node.position)
            shown_actions.update(a.node.pk for a in oo_item.children)
    totals = {
        "os": sum(n.level == NodeLevel.OS for n in nodes),
        "oo": sum(n.level == NodeLevel.OO for n in nodes),
        "actions": sum(n.level == NodeLevel.ACTION for n in nodes),
        "shown_actions": len(shown_actions),
        "services": sorted({n.service for n in nodes if n.service and n.level == NodeLevel.ACTION}),
        "filtering": filtering,
    }
    return roots, totals


def theme_counts(pst) -> list[dict]:
    """How many nodes of each level carry each smart theme and dimension: what the diagnostic reads."""
    rows = (
        PSTNodeTag.objects.filter(node__pst=pst)
        .values("kind", "value")
        .annotate(
            total=Count("node", distinct=True),
            os=Count("node", filter=Q(node__level=NodeLevel.OS), distinct=True),
            oo=Count("node", filter=Q(node__level=NodeLevel.OO), distinct=True),
            actions=Count("node", filter=Q(node__level=NodeLevel.ACTION), distinct=True),
        )
    )
    found = {(r["kind"], r["value"]): r for r in rows}
    result = []
    for kind, choices in ((PSTNodeTag.Kind.THEME, SmartTheme), (PSTNodeTag.Kind.DIMENSION, SmartDimension)):
        for value, label in choices.choices:
            row = found.get((kind, value), {"total": 0, "os": 0, "oo": 0, "actions": 0})
            result.append(
                {"kind": kind, "value": value, "label": label, **{k: row[k] for k in ("total", "os", "oo", "actions")}}
            )
    return result


SEARCH_LIMIT = 20


def search(commune, q: str, *, limit: int = SEARCH_LIMIT) -> tuple[list[PSTNode], int]:
    """The commune's PST nodes whose code or title contains ``q``, accents, case and spaces ignored
    (« mobilite » finds « Mobilité douce », « oo12 » finds « OO 1.2 »): the first ``limit`` in tree order,
    those whose code starts with ``q`` first, and how many match in all.

    Two queries whatever the size of the PST: the codes and titles (matched here, where accents can be
    dropped on any database), then the nodes shown with their PST.
    """
    words = normalize(q)
    if not words:
        return [], 0
    rows = PSTNode.objects.for_commune(commune).order_by("pst", "position").values_list("pk", "code", "title")
    by_code, by_title = [], []
    for pk, code, title in rows:
        code = normalize(code)
        if code.startswith(words):
            by_code.append(pk)
        elif words in code or words in normalize(title):
            by_title.append(pk)
    shown = (by_code + by_title)[:limit]
    nodes = PSTNode.objects.filter(pk__in=shown).select_related("pst").in_bulk()
    return [nodes[pk] for pk in shown], len(by_code) + len(by_title)
