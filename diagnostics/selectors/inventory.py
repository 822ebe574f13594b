"""Alerts of the inventory of digital systems: computed, never stored.

:func:`alerts` is a pure function of the commune's systems, flows and planned needs; it does not
query. :func:`inventory_alerts` loads those three lists (three queries) and calls it;
:func:`inventory_section` counts them for the synthesis.

Each alert carries a ``key`` that stays the same as long as the situation it describes exists
(``silo:12``, ``duplicate:finance``, ``foundation:eguichet:website``...): a finding can cite it
as its source and find it again later.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from diagnostics.models import DataFlow, DigitalSystem, FunctionCategory, Need, PlannedNeed
from territoire import charts

CONTRACT_WARNING_DAYS = 365


class AlertKind(models.TextChoices):
    MISSING_FOUNDATION = "foundation", gettext_lazy("Fondation manquante")
    DOUBLE_ENCODING = "double_encoding", gettext_lazy("Double encodage")
    DUPLICATE = "duplicate", gettext_lazy("Doublon d'outils")
    CONTRACT_END = "contract_end", gettext_lazy("Fin de contrat")
    SILO = "silo", gettext_lazy("Outil isolé (silo)")


class Severity(models.TextChoices):
    HIGH = "high", gettext_lazy("Importante")
    MEDIUM = "medium", gettext_lazy("Moyenne")
    LOW = "low", gettext_lazy("Faible")


# The tone of each severity in badges and charts (territoire.charts.TONES): the gravest is red everywhere.
SEVERITY_TONES = {Severity.HIGH: "danger", Severity.MEDIUM: "warning", Severity.LOW: "secondary"}
SEVERITY_ORDER = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


@dataclass(frozen=True)
class Alert:
    kind: str
    severity: str
    message: str
    key: str
    systems: tuple = field(default=())

    @property
    def kind_label(self) -> str:
        return AlertKind(self.kind).label

    @property
    def severity_label(self) -> str:
        return Severity(self.severity).label


@dataclass(frozen=True)
class Foundation:
    """« Before ``need``, the commune needs ``requires`` »: a category of tool, or any tool with an API."""

    need: str
    requires_category: str | None
    requires_api: bool
    requirement: str  # what is missing, in words


# The prerequisites, declared once. A need counts when it is planned (PlannedNeed) or when a tool of
# the matching category is already in the inventory (an e-guichet in use still needs its website).
FOUNDATIONS = (
    Foundation(Need.EGUICHET, FunctionCategory.WEBSITE, False, gettext_lazy("un site web capable de l'héberger")),
    Foundation(Need.ONLINE_PAYMENT, FunctionCategory.EGUICHET, False, gettext_lazy("un e-guichet")),
    Foundation(Need.OPEN_DATA, None, True, gettext_lazy("au moins un outil ouvert (API ou format ouvert)")),
    Foundation(Need.CITIZEN_REPORTS, FunctionCategory.GIS, False, gettext_lazy("un outil de cartographie (SIG)")),
    Foundation(
        Need.CITIZEN_REPORTS, FunctionCategory.TICKETING, False, gettext_lazy("un outil de suivi des demandes")
    ),
    Foundation(Need.ONLINE_BOOKING, FunctionCategory.WEBSITE, False, gettext_lazy("un site web")),
)

# A tool of these categories in use means the matching need exists even if nobody declared it.
NEED_OF_CATEGORY = {FunctionCategory.EGUICHET: Need.EGUICHET}


def alerts(
    systems: Iterable[DigitalSystem],
    flows: Iterable[DataFlow],
    needs: Iterable[str] = (),
    *,
    today: date | None = None,
) -> list[Alert]:
    """Every alert of an inventory, most severe first. Pure: reads only its arguments."""
    today = today or timezone.localdate()
    systems = list(systems)
    flows = list(flows)
    by_id = {s.pk: s for s in systems}
    found: list[Alert] = []

    # Foundations missing for a planned or used function.
    categories = {s.category for s in systems}
    wanted = set(needs) | {NEED_OF_CATEGORY[c] for c in categories if c in NEED_OF_CATEGORY}
    has_api = any(s.open_standards for s in systems)
    for foundation in FOUNDATIONS:
        if foundation.need not in wanted:
            continue
        ok = has_api if foundation.requires_api else foundation.requires_category in categories
        if not ok:
            need_label = Need(foundation.need).label
            found.append(
                Alert(
                    kind=AlertKind.MISSING_FOUNDATION,
                    severity=Severity.HIGH,
                    message=_("« %(need)s » est prévu ou en service, mais il manque %(requirement)s.")
                    % {"need": need_label, "requirement": foundation.requirement},
                    key=f"foundation:{foundation.need}:{foundation.requires_category or 'api'}",
                )
            )

    # Double encoding: data typed again by hand into a tool.
    for flow in flows:
        if not flow.is_manual:
            continue
        involved = tuple(by_id[i] for i in (flow.source_id, flow.target_id) if i in by_id)
        found.append(
            Alert(
                kind=AlertKind.DOUBLE_ENCODING,
                severity=Severity.HIGH if len(involved) == 2 else Severity.MEDIUM,
                message=_("« %(data)s » est réencodé à la main de %(source)s vers %(target)s.")
                % {
                    "data": flow.data,
                    "source": _label(flow.source_id, by_id, flow),
                    "target": _label(flow.target_id, by_id, flow),
                },
                key=f"double_encoding:flow:{flow.pk}",
                systems=involved,
            )
        )

    # Duplicates: two tools or more for the same function.
    by_category = defaultdict(list)
    for system in systems:
        if system.category != FunctionCategory.OTHER:
            by_category[system.category].append(system)
    for category, same in sorted(by_category.items()):
        if len(same) > 1:
            found.append(
                Alert(
                    kind=AlertKind.DUPLICATE,
                    severity=Severity.MEDIUM,
                    message=_("%(count)s outils pour la même fonction « %(category)s » : %(names)s.")
                    % {
                        "count": len(same),
                        "category": FunctionCategory(category).label,
                        "names": ", ".join(s.name for s in same),
                    },
                    key=f"duplicate:{category}",
                    systems=tuple(same),
                )
            )

    # Contracts ending within a year (or already ended).
    horizon = today + timedelta(days=CONTRACT_WARNING_DAYS)
    for system in sorted(systems, key=lambda s: (s.contract_end or date.max, s.pk)):
        if system.contract_end and system.contract_end <= horizon:
            ended = system.contract_end < today
            found.append(
                Alert(
                    kind=AlertKind.CONTRACT_END,
                    severity=Severity.HIGH
                    if ended or system.contract_end <= today + timedelta(days=90)
                    else Severity.MEDIUM,
                    message=(
                        _("Le contrat de %(name)s a pris fin le %(date)s.")
                        if ended
                        else _(
                            "Le contrat de %(name)s se termine le %(date)s : "
                            "préparer son renouvellement ou son remplacement."
                        )
                    )
                    % {"name": system.name, "date": system.contract_end.strftime("%d/%m/%Y")},
                    key=f"contract_end:{system.pk}",
                    systems=(system,),
                )
            )

    # Silos: tools that exchange nothing with anything.
    connected = {i for flow in flows for i in (flow.source_id, flow.target_id) if i}
    for system in systems:
        if system.pk not in connected:
            found.append(
                Alert(
                    kind=AlertKind.SILO,
                    severity=Severity.LOW,
                    message=_("%(name)s n'échange aucune donnée avec un autre outil ni avec l'extérieur.")
                    % {"name": system.name},
                    key=f"silo:{system.pk}",
                    systems=(system,),
                )
            )

    kinds = list(AlertKind.values)
    return sorted(found, key=lambda a: (SEVERITY_ORDER[a.severity], kinds.index(a.kind)))


def _label(system_id, by_id, flow) -> str:
    if system_id in by_id:
        return by_id[system_id].name
    return flow.outside_label


def load_inventory(commune):
    """The commune's systems, flows and planned needs: three queries."""
    order = {value: index for index, value in enumerate(FunctionCategory.values)}
    systems = sorted(DigitalSystem.objects.for_commune(commune), key=lambda s: (order[s.category], s.name.lower()))
    flows = list(DataFlow.objects.for_commune(commune))
    by_id = {s.pk: s for s in systems}
    for flow in flows:  # reuse the loaded systems instead of one query per flow
        if flow.source_id:
            flow.source = by_id[flow.source_id]
        if flow.target_id:
            flow.target = by_id[flow.target_id]
    needs = list(PlannedNeed.objects.for_commune(commune).values_list("need", flat=True))
    return systems, flows, needs


def inventory_alerts(commune, *, today: date | None = None) -> list[Alert]:
    systems, flows, needs = load_inventory(commune)
    return alerts(systems, flows, needs, today=today)


def find_alert(commune, key: str, *, today: date | None = None) -> Alert | None:
    """The commune's alert with this key, or None once the situation is resolved (for findings citing it)."""
    return next((a for a in inventory_alerts(commune, today=today) if a.key == key), None)


def inventory_section(mission) -> dict:
    """Alerts of the inventory by kind and severity (3 queries)."""
    systems, flows, needs = load_inventory(mission.commune)
    found = alerts(systems, flows, needs)
    by_kind = Counter((a.kind, a.severity) for a in found)
    kinds = [(value, label) for value, label in AlertKind.choices if any(k == value for k, _s in by_kind)]
    rows = [
        {
            "kind": label,
            "counts": [by_kind.get((value, severity), 0) for severity in Severity.values],
            "total": sum(by_kind.get((value, s), 0) for s in Severity.values),
        }
        for value, label in kinds
    ]
    high = sum(1 for a in found if a.severity == Severity.HIGH)
    inventoried = ngettext("%(systems)s outil inventorié", "%(systems)s outils inventoriés", len(systems)) % {
        "systems": len(systems)
    }
    alerted = (
        ngettext(
            "%(alerts)s alerte dont %(high)s de gravité importante",
            "%(alerts)s alertes dont %(high)s de gravité importante",
            len(found),
        )
        % {"alerts": len(found), "high": high}
        if found
        else _("aucune alerte")
    )
    sentences = [_("%(inventoried)s, %(alerted)s.") % {"inventoried": inventoried, "alerted": alerted}]
    if rows:
        top = max(rows, key=lambda r: r["total"])
        sentences.append(_("Alerte la plus fréquente : %(kind)s (%(n)s).") % {"kind": top["kind"], "n": top["total"]})
    chart = ""
    if rows:
        chart = charts.bars(
            [r["kind"] for r in rows],
            tuple((str(label), tuple(r["counts"][i] for r in rows)) for i, (_v, label) in enumerate(Severity.choices)),
            stacked=True,
            counts=True,
            ident="synthesis-alerts",
            title=_("Alertes par type et gravité"),
            colors=charts.tones(SEVERITY_TONES[s] for s in Severity.values),
        )
    return {
        "systems": len(systems),
        "flows": len(flows),
        "alerts": found,
        "high": high,
        "rows": rows,
        "severities": [label for _v, label in Severity.choices],
        "chart": chart,
        "sentences": sentences,
    }
