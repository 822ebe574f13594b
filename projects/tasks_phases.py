"""The phase-change notification (``projects.notify_phase_change``); loaded by ``ProjectsConfig.ready`` since
Celery's autodiscovery only finds ``tasks.py`` modules."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import PhaseTransition

logger = logging.getLogger(__name__)


def _recipients(project) -> list[str]:
    people = [*project.team.all(), project.leader, project.consultant]
    return sorted({person.email for person in people if person is not None and person.email and person.is_active})


@shared_task(name="projects.notify_phase_change")
def notify_phase_change_task(transition_id: int) -> int:
    """Send the one e-mail announcing a phase change; returns how many recipients it had (0 when already sent).

    The transition is claimed before sending, so a retried or duplicated task does not mail twice."""
    claimed = PhaseTransition.objects.filter(pk=transition_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return 0
    transition = PhaseTransition.objects.select_related(
        "project__mission__commune", "project__leader", "project__consultant", "decided_by"
    ).get(pk=transition_id)
    project = transition.project
    recipients = _recipients(project)
    if not recipients:
        return 0
    values = {
        "commune": project.mission.commune.name,
        "project": project.title,
        "from": transition.get_from_phase_display(),
        "to": transition.get_to_phase_display(),
        "by": transition.decided_by.get_full_name() if transition.decided_by else "—",
        "open": transition.open_items,
        "comment": transition.comment or "—",
        "link": settings.SITE_URL + reverse("projects:project-detail", args=[project.mission_id, project.pk]),
    }
    subject = _("[Territoire] %(commune)s — %(project)s : phase %(to)s") % values
    body = (
        _(
            "Le projet « %(project)s » (%(commune)s) passe de la phase %(from)s à la phase %(to)s.\n\n"
            "Décidé par : %(by)s\n"
            "Points encore ouverts dans la phase quittée : %(open)s\n"
            "Commentaire : %(comment)s\n\n"
            "Voir le projet : %(link)s\n"
        )
        % values
    )
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:
        PhaseTransition.objects.filter(pk=transition_id).update(notified_at=None)
        logger.warning("phase_change_mail_failed transition=%s", transition_id)
        raise
    logger.info("phase_change_notified transition=%s recipients=%s", transition_id, len(recipients))
    return len(recipients)
