"""Celery tasks of the diagnostic: thin and idempotent, they take ids and call the mailer."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from diagnostics.models import Campaign, Invitation
from diagnostics.services import invitation_mark_sent

logger = logging.getLogger(__name__)


def _messages(campaign, invitations, *, reminder: bool):
    subject = (_("Rappel : %(title)s") if reminder else _("Votre avis compte : %(title)s")) % {"title": campaign.title}
    for invitation in invitations:
        body = render_to_string(
            "diagnostics/email/invitation.txt",
            {
                "campaign": campaign,
                "invitation": invitation,
                "reminder": reminder,
                "link": settings.SITE_URL + reverse("respond:fill", args=[invitation.token]),
            },
        )
        yield subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email]


@shared_task(name="diagnostics.send_invitations")
def send_invitations_task(campaign_id: int) -> int:
    """Send the invitations not sent yet (a second run sends nothing)."""
    campaign = Campaign.objects.select_related("mission__commune").get(pk=campaign_id)
    pending = list(Invitation.objects.filter(campaign=campaign, sent_at__isnull=True))
    if pending:
        send_mass_mail(list(_messages(campaign, pending, reminder=False)))
        invitation_mark_sent(invitation_ids=[i.pk for i in pending])
    logger.info("invitations_sent campaign=%s count=%s", campaign_id, len(pending))
    return len(pending)


@shared_task(name="diagnostics.send_reminders")
def send_reminders_task(campaign_id: int) -> int:
    """Remind those invited who have not submitted; at most one reminder per person per day."""
    from datetime import timedelta

    from django.utils import timezone

    campaign = Campaign.objects.select_related("mission__commune").get(pk=campaign_id)
    if not campaign.is_open:
        return 0
    pending = list(
        Invitation.objects.filter(campaign=campaign, sent_at__isnull=False)
        .exclude(response__submitted_at__isnull=False)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=timezone.now() - timedelta(hours=20)))
    )
    if pending:
        send_mass_mail(list(_messages(campaign, pending, reminder=True)))
        invitation_mark_sent(invitation_ids=[i.pk for i in pending], reminder=True)
    logger.info("reminders_sent campaign=%s count=%s", campaign_id, len(pending))
    return len(pending)
