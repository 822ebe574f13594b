"""Writes on campaigns and their invitations: open, close, publish, invite, remind."""

import logging
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from diagnostics.models import Campaign, Invitation, Questionnaire
from territoire import queueing

logger = logging.getLogger(__name__)


def campaign_create(
    *,
    mission,
    questionnaire: Questionnaire,
    by,
    title: str,
    audience: str,
    opens_at: datetime,
    closes_at: datetime,
    anonymous: bool,
    intro: str = "",
    public: bool = False,
) -> Campaign:
    campaign = Campaign.objects.create(
        mission=mission,
        questionnaire=questionnaire,
        title=title,
        audience=audience,
        opens_at=opens_at,
        closes_at=closes_at,
        anonymous=anonymous,
        intro=intro,
        public_token=secrets.token_urlsafe(24) if public else None,
    )
    logger.info("campaign_created campaign=%s audience=%s by=%s", campaign.pk, audience, by.pk)
    return campaign


def campaign_close(*, campaign: Campaign, by) -> Campaign:
    now = timezone.now()
    if campaign.closes_at > now:
        campaign.closes_at = max(now, campaign.opens_at + timedelta(seconds=1))
        campaign.save(update_fields=["closes_at", "updated_at"])
    return campaign


def campaign_publish(*, campaign: Campaign, by) -> Campaign:
    if not campaign.public_token:
        campaign.public_token = secrets.token_urlsafe(24)
        campaign.save(update_fields=["public_token", "updated_at"])
    return campaign


@transaction.atomic
def campaign_invite(*, campaign: Campaign, by, people: list[dict]) -> int:
    """Add invitations (``email``, ``name``, ``service``) and send them after commit.

    An address already invited to this campaign is skipped. Returns the number of new invitations. With the
    broker down they stay unsent (``sent_at`` empty) and go when it is back (``territoire.queueing``).
    """
    from diagnostics.tasks import send_invitations_task

    known = set(campaign.invitations.values_list("email", flat=True))
    new = []
    for person in people:
        email = person["email"].lower()
        if email in known:
            continue
        known.add(email)
        new.append(
            Invitation(campaign=campaign, email=email, name=person.get("name", ""), service=person.get("service", ""))
        )
    Invitation.objects.bulk_create(new)
    if new:
        queueing.send_on_commit(send_invitations_task, campaign.pk)
    logger.info("campaign_invited campaign=%s new=%s by=%s", campaign.pk, len(new), by.pk)
    return len(new)


def campaign_remind(*, campaign: Campaign, by) -> int:
    """Send a reminder to every invited person who has not submitted yet (after commit; with the broker down, when
    it is back)."""
    from diagnostics.tasks import send_reminders_task

    pending = campaign.invitations.exclude(response__submitted_at__isnull=False).filter(sent_at__isnull=False).count()
    if pending:
        queueing.send_on_commit(send_reminders_task, campaign.pk)
    return pending


def invitations_claim(*, campaign: Campaign) -> list[Invitation]:
    """Claim the campaign's invitations not sent yet, for one sending run; returns the claimed rows.

    Each row is claimed by a conditional ``UPDATE … SET sent_at = now WHERE sent_at IS NULL``: its
    row count says which run won, so two overlapping runs (a double click, a retried task) never
    mail a person twice, on PostgreSQL as on SQLite. On PostgreSQL ``skip_locked`` also lets the
    second run pass over the rows the first one is claiming instead of waiting for them.
    """
    now = timezone.now()
    with transaction.atomic():
        candidates = list(
            Invitation.objects.select_for_update(skip_locked=True)
            .filter(campaign=campaign, sent_at__isnull=True)
            .values_list("pk", flat=True)
        )
    claimed = [pk for pk in candidates if Invitation.objects.filter(pk=pk, sent_at__isnull=True).update(sent_at=now)]
    return list(Invitation.objects.filter(pk__in=claimed).order_by("pk"))


def invitations_release(*, invitation_ids) -> int:
    """Give back claimed invitations whose e-mail could not be sent, so that a later run sends them."""
    return Invitation.objects.filter(pk__in=invitation_ids).update(sent_at=None)
