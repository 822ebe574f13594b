"""Views of the core app, one module per screen family (``core``: communes and missions; ``pst``)."""

from territoire.views.core import (
    commune_detail,
    commune_logo,
    dashboard,
    health,
    mission_create,
    mission_detail,
    mission_edit,
    mission_phase,
)

__all__ = [
    "commune_detail",
    "commune_logo",
    "dashboard",
    "health",
    "mission_create",
    "mission_detail",
    "mission_edit",
    "mission_phase",
]
