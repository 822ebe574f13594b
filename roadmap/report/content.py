"""What the report says: one consistent snapshot of the mission's data, as plain JSON.

The snapshot is taken when a version is asked for and stored on it, so the PDF rendered later by the worker
says what the data said at that moment, whatever is edited meanwhile.
"""

from django.utils import timezone


def collect(mission) -> dict:
    """The report's data for ``mission``, JSON-serialisable (placeholder: filled by the report content work)."""
    commune = mission.commune
    return {
        "commune": {"name": commune.name},
        "mission": {"id": mission.pk, "title": str(mission)},
        "taken_at": timezone.now().isoformat(),
    }
