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
from diagnostics.services.campaigns import invitations_claim, invitations_release

logger = logging.getLogger(__name__)


def _messages(campaign, invitations, *, reminder: bool):
    # A title is one line in a header: a line break in it would raise BadHeaderError or, worse, add a header.
    title = " ".join(campaign.title.split())
    subject = (_("Rappel : %(title)s") if reminder else _("Votre avis compte : %(title)s")) % {"title": title}
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
    """Send the invitations not sent yet: rows are claimed before mailing, so a second or overlapping
    run sends nothing twice; a failed delivery gives its rows back for the next run."""
    campaign = Campaign.objects.select_related("mission__commune").get(pk=campaign_id)
    claimed = invitations_claim(campaign=campaign)
    if claimed:
        try:
            send_mass_mail(list(_messages(campaign, claimed, reminder=False)))
        except Exception:
            invitations_release(invitation_ids=[i.pk for i in claimed])
            logger.warning("invitations_failed campaign=%s count=%s", campaign_id, len(claimed))
            raise
    logger.info("invitations_sent campaign=%s count=%s", campaign_id, len(claimed))
    return len(claimed)


@shared_task(name="diagnostics.send_reminders")
def send_reminders_task(campaign_id: int) -> int:
    """Remind those invited who have not submitted; at most one reminder per person per day."""
    from datetime import timedelta

    from django.utils import timezone

    campaign = Campaign.objects.select_related("mission__commune").get(pk=campaign_id)
    if not campaign.is_open:
        return 0
    due = Q(reminded_at__isnull=True) | Q(reminded_at__lt=timezone.now() - timedelta(hours=20))
    pending = list(
        Invitation.objects.filter(campaign=campaign, sent_at__isnull=False)
        .exclude(response__submitted_at__isnull=False)
        .filter(due)
    )
    # Claimed one by one like the invitations: an overlapping run finds them reminded already.
    now = timezone.now()
    pending = [i for i in pending if Invitation.objects.filter(due, pk=i.pk).update(reminded_at=now)]
    if pending:
        send_mass_mail(list(_messages(campaign, pending, reminder=True)))
    logger.info("reminders_sent campaign=%s count=%s", campaign_id, len(pending))
    return len(pending)


@shared_task(name="diagnostics.results_refresh", ignore_result=True)  # nothing asked of Redis to send it
def results_refresh_task(questionnaire_id: int) -> None:
    """Bring the results of a questionnaire up to date after a burst of submissions: its tallies counted again
    from the answers (each submission has added its own already; this repairs any drift), then every chart
    drawn into the cache."""
    from diagnostics.models import Campaign
    from diagnostics.selectors.results import results_warm
    from diagnostics.services.results import result_tally_rebuild

    result_tally_rebuild(
        campaign_ids=Campaign.objects.filter(questionnaire_id=questionnaire_id).values_list("pk", flat=True)
    )
    results_warm(questionnaire_id)
