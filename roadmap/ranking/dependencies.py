"""Prerequisites between sheets: validation, cycle detection, topological order, blocked sheets."""

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from roadmap.ranking import errors
from roadmap.ranking.scoring import check_sheets

Prerequisites = Mapping[str, Iterable[str]]  # sheet code → codes of the sheets it needs first


def find_cycle(sheets: Sequence[str], prerequisites: Prerequisites) -> list[str] | None:
    """One cycle as the list of its sheet codes (A needs B needs … needs A), or None.

    Deterministic: depth-first in the order of ``sheets`` and of each sheet's prerequisites.
    Unknown prerequisites are ignored here (``check_prerequisites`` refuses them).
    """
    known = set(sheets)
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(sheets, white)
    for root in sheets:
        if colour[root] != white:
            continue
        # Iterative DFS: the path is the stack of (node, iterator over its prerequisites).
        path = [root]
        iterators = [iter([p for p in prerequisites.get(root, ()) if p in known])]
        colour[root] = grey
        while iterators:
            nxt = next(iterators[-1], None)
            if nxt is None:
                colour[path.pop()] = black
                iterators.pop()
            elif colour[nxt] == grey:
                return path[path.index(nxt) :]
            elif colour[nxt] == white:
                colour[nxt] = grey
                path.append(nxt)
                iterators.append(iter([p for p in prerequisites.get(nxt, ()) if p in known]))
    return None


def check_prerequisites(sheets: Sequence[str], prerequisites: Prerequisites) -> dict[str, tuple[str, ...]]:
    """Refuse a prerequisite on itself, one outside ``sheets`` (another mission's) and a cycle.

    Returns the prerequisites as ``{code: (codes…)}`` for every sheet, duplicates removed; entries of
    ``prerequisites`` for codes outside ``sheets`` are ignored.
    """
    check_sheets(sheets)
    known = set(sheets)
    clean = {}
    for code in sheets:
        needs = tuple(dict.fromkeys(prerequisites.get(code, ())))
        for needed in needs:
            if needed == code:
                raise errors.SelfPrerequisite(code)
            if needed not in known:
                raise errors.UnknownPrerequisite(code, needed)
        clean[code] = needs
    cycle = find_cycle(sheets, clean)
    if cycle:
        raise errors.DependencyCycle(cycle)
    return clean


def topological_order(
    sheets: Sequence[str], prerequisites: Prerequisites, priority: Mapping[str, float] | None = None
) -> list[str]:
    """Sheets with every prerequisite before its dependants; among the sheets ready at a time, the lowest
    ``priority`` value first (default: the order of ``sheets``). Raises the errors of ``check_prerequisites``.
    """
    clean = check_prerequisites(sheets, prerequisites)
    index = {code: i for i, code in enumerate(sheets)}
    key = (lambda c: (priority[c], index[c])) if priority is not None else (lambda c: (index[c],))
    missing = {code: len(needs) for code, needs in clean.items()}
    dependants = {code: [] for code in sheets}
    for code, needs in clean.items():
        for needed in needs:
            dependants[needed].append(code)
    ready = [(key(c), c) for c in sheets if missing[c] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, code = heapq.heappop(ready)
        order.append(code)
        for dependant in dependants[code]:
            missing[dependant] -= 1
            if missing[dependant] == 0:
                heapq.heappush(ready, (key(dependant), dependant))
    return order


@dataclass(frozen=True)
class Blocked:
    sheet: str
    prerequisite: str
    sheet_position: int
    prerequisite_position: int | None  # None: the prerequisite is not in the ranking (draft, set aside…)


def blocked_sheets(ranking: Sequence[str], prerequisites: Prerequisites) -> list[Blocked]:
    """Sheets with a direct prerequisite ranked below them (or not ranked at all), in ranking order.

    ``ranking`` is the list of codes, best first; ``prerequisites`` may name sheets outside it.
    """
    position = {code: i + 1 for i, code in enumerate(ranking)}
    found = []
    for code in ranking:
        for needed in dict.fromkeys(prerequisites.get(code, ())):
            needed_position = position.get(needed)
            if needed_position is None or needed_position > position[code]:
                found.append(Blocked(code, needed, position[code], needed_position))
    return found
