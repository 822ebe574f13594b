"""The mission cockpit and the dashboard's to-dos: where each part of a mission stands and what is expected next.

``territoire`` knows no other app, so each app registers in ``AppConfig.ready``:

- a *parts* provider, ``provider(mission, user) -> Cockpit``: the mission page's cards (a figure and the
  next step of each part of the diagnostic) and its coming deadlines. A provider issues a fixed number of
  queries, whatever the size of the mission.
- a *to-do* provider, ``provider(user, memberships) -> list[Todo]``: what the dashboard tells a member is
  expected of them, with one link to do it. ``memberships`` holds every (commune, role, open missions) the
  dashboard shows; a provider issues one query per kind of to-do for all of them, never one per mission.

The PST part is territoire's own and registered here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from territoire import access
from territoire.models import PST, Mission, NodeLevel

# The share of the planned weeks given to the diagnostic; the roadmap takes the rest.
DIAGNOSTIC_SHARE = 0.5


@dataclass(frozen=True)
class Part:
    """One part of the diagnostic on the mission page: ``figure`` is what it stands at ("22/28 réponses du
    personnel"), ``next_step`` what comes next, ``url`` where to do it; ``warning`` asks for attention."""

    key: str
    title: str
    icon: str
    figure: str
    next_step: str = ""
    url: str = ""
    warning: str = ""
    order: int = 50


@dataclass(frozen=True)
class Deadline:
    when: date
    label: str
    url: str = ""


@dataclass
class Cockpit:
    parts: list[Part] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)


@dataclass(frozen=True)
class Todo:
    """Something expected of the person on the dashboard, with the one link that does it."""

    commune_id: int
    label: str
    url: str
    due: date | None = None
    icon: str = "bi-check2-square"


@dataclass(frozen=True)
class MembershipRow:
    commune: object
    role: str
    missions: list = field(default_factory=list)


_PART_PROVIDERS: list[Callable[[Mission, object], Cockpit]] = []
_TODO_PROVIDERS: list[Callable[[object, list[MembershipRow]], list[Todo]]] = []


def register_parts(provider):
    if provider not in _PART_PROVIDERS:
        _PART_PROVIDERS.append(provider)
    return provider


def register_todos(provider):
    if provider not in _TODO_PROVIDERS:
        _TODO_PROVIDERS.append(provider)
    return provider


def local_date(value) -> date:
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


def mission_cockpit(mission, *, user, today: date | None = None) -> Cockpit:
    """Every registered part and the deadlines still to come (past ones are dropped), soonest first."""
    today = today or timezone.localdate()
    cockpit = Cockpit()
    for provider in _PART_PROVIDERS:
        found = provider(mission, user)
        cockpit.parts.extend(found.parts)
        cockpit.deadlines.extend(found.deadlines)
    if mission.phase in (Mission.Phase.DIAGNOSTIC, Mission.Phase.ROADMAP):
        cockpit.deadlines.append(
            Deadline(mission.planned_end_date, _("Fin prévue de la mission"), mission.get_absolute_url())
        )
    cockpit.parts.sort(key=lambda part: part.order)
    cockpit.deadlines = sorted((d for d in cockpit.deadlines if d.when >= today), key=lambda d: d.when)[:6]
    return cockpit


def dashboard_todos(user, rows: list[MembershipRow]) -> dict[int, list[Todo]]:
    """commune id → the to-dos of ``user`` there, soonest due first."""
    by_commune: dict[int, list[Todo]] = {}
    for provider in _TODO_PROVIDERS:
        for todo in provider(user, rows):
            by_commune.setdefault(todo.commune_id, []).append(todo)
    for todos in by_commune.values():
        todos.sort(key=lambda todo: (todo.due is None, todo.due or date.max))
    return by_commune


def plan_position(mission, today: date | None = None) -> dict:
    """The week of the mission against its plan: the phase the plan expects now and whether the mission is behind.

    The plan gives the first half of the weeks to the diagnostic and the rest to the roadmap.
    """
    total = mission.planned_weeks
    week = mission.elapsed_weeks(today)
    diagnostic_weeks = max(1, round(total * DIAGNOSTIC_SHARE))
    expected = Mission.Phase.DIAGNOSTIC if week <= diagnostic_weeks else Mission.Phase.ROADMAP
    behind = mission.phase == Mission.Phase.DIAGNOSTIC and expected == Mission.Phase.ROADMAP
    return {
        "week": week,
        "total": total,
        "diagnostic_weeks": diagnostic_weeks,
        "expected": Mission.Phase(expected).label,
        "behind": behind or mission.is_late(today),
        "active": mission.phase in (Mission.Phase.DIAGNOSTIC, Mission.Phase.ROADMAP),
    }


@register_parts
def pst_part(mission, user) -> Cockpit:
    """PST: its actions and how many carry a theme (one query)."""
    pst = (
        PST.objects.for_commune(mission.commune_id)
        .annotate(
            action_count=Count("nodes", filter=Q(nodes__level=NodeLevel.ACTION), distinct=True),
            tagged_count=Count(
                "nodes", filter=Q(nodes__level=NodeLevel.ACTION, nodes__tags__isnull=False), distinct=True
            ),
        )
        .order_by("-start_year", "entity")
        .first()
    )
    if pst is None:
        part = Part(
            "pst",
            _("PST"),
            "bi-diagram-3",
            _("Pas encore importé"),
            _("Importer le PST de la commune"),
            reverse("territoire:pst-index", args=[mission.pk]),
            order=10,
        )
    else:
        figure = ngettext("%(n)s action", "%(n)s actions", pst.action_count) % {"n": pst.action_count}
        figure += ", " + ngettext("%(n)s étiquetée", "%(n)s étiquetées", pst.tagged_count) % {"n": pst.tagged_count}
        untagged = pst.action_count - pst.tagged_count
        next_step = (
            ngettext(
                "Étiqueter par thème l'action restante",
                "Étiqueter par thème les %(n)s actions restantes",
                untagged,
            )
            % {"n": untagged}
            if untagged
            else _("Toutes les actions sont étiquetées")
        )
        part = Part(
            "pst",
            _("PST"),
            "bi-diagram-3",
            figure,
            next_step,
            reverse("territoire:pst-detail", args=[mission.pk, pst.pk]),
            order=10,
        )
    return Cockpit(parts=[part] if access.can_view(user, mission) else [])
