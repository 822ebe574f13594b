"""Celery tasks of the AMO follow-up: thin and idempotent, they call one service."""

from celery import shared_task

from projects.services.implementation import late_milestones_notify


@shared_task(name="projects.notify_late_milestones")
def notify_late_milestones_task() -> int:
    """Daily (``CELERY_BEAT_SCHEDULE``): one e-mail per late milestone to its project's people; a second run the
    same day sends nothing (see ``late_milestones_notify``)."""
    return late_milestones_notify()
