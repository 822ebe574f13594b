"""What other apps add under each mission of the dashboard, without ``territoire`` importing them.

An app registers, from its ``AppConfig.ready``, a function returning a ``Prefetch`` on the mission (one query for
all the missions of the page, however many) and the template fragment that shows what it fetched (e.g. the
roadmap's report handed to the Collège, downloadable in one click).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch


@dataclass(frozen=True)
class MissionExtra:
    prefetch: Callable[[], Prefetch]
    template: str


_EXTRAS: list[MissionExtra] = []


def register_mission_extra(*, prefetch: Callable[[], Prefetch], template: str) -> None:
    if all(extra.template != template for extra in _EXTRAS):
        _EXTRAS.append(MissionExtra(prefetch=prefetch, template=template))


def mission_prefetches() -> list[Prefetch]:
    return [extra.prefetch() for extra in _EXTRAS]


def mission_templates() -> list[str]:
    return [extra.template for extra in _EXTRAS]
