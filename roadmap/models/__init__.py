"""Tables of the roadmap, one module per subdomain (sheets; scoring and funding come next to it)."""

from roadmap.models.sheets import ProjectSheet, ProjectSheetQuerySet, SheetStatus

__all__ = ["ProjectSheet", "ProjectSheetQuerySet", "SheetStatus"]
