"""Tables of the AMO follow-up, one module per subdomain: the followed project (``projects``), its SPMM phases,
specifications (CSC), procurement and implementation."""

from projects.models.projects import FollowedProject, FollowedProjectQuerySet, ProjectPhase

__all__ = ["FollowedProject", "FollowedProjectQuerySet", "ProjectPhase"]
