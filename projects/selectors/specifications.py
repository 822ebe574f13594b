"""Reads of CSCs across projects: the sections a consultant may reuse."""

from django.db.models import Q

from projects.models import SpecSection
from territoire.models import Membership, Role


def reusable_sections(user, *, exclude=None):
    """Non-empty sections of the CSCs ``user`` wrote or followed as referent consultant, in the communes where
    ``user`` is a consultant today: never a CSC of another consultant, never one of a commune they left."""
    communes = Membership.objects.filter(user=user, role=Role.CONSULTANT).values("commune_id")
    sections = (
        SpecSection.objects.filter(specification__project__mission__commune__in=communes)
        .filter(Q(specification__created_by=user) | Q(specification__project__consultant=user))
        .exclude(body="")
        .select_related("specification__project__mission__commune")
        .order_by("-specification__updated_at", "specification_id", "kind")
    )
    if exclude is not None:
        sections = sections.exclude(specification=exclude)
    return sections
