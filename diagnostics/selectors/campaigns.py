"""Reads over campaigns: who was invited, who started, who answered."""

from django.db.models import Count, Max, Q

from diagnostics.models import Invitation, Response


def percent(n, total) -> float:
    """``n`` in percent of ``total``, to one decimal (0 of nothing)."""
    return round(100 * n / total, 1) if total else 0


def campaign_stats(campaigns) -> list[dict]:
    """Invited / started / submitted for each campaign (two grouped queries).

    The response rate is the share of *invited people* who sent their answers: responses that came
    without an invitation (public link, members answering logged in) are counted apart
    (``other_started``, ``other_submitted``), so the rate never exceeds 100 %.
    """
    ids = [c.pk for c in campaigns]
    invited = dict(Invitation.objects.filter(campaign_id__in=ids).values_list("campaign_id").annotate(n=Count("pk")))
    sent = Q(submitted_at__isnull=False)
    uninvited = Q(invitation__isnull=True)
    counts = {
        row["campaign_id"]: row
        for row in Response.objects.filter(campaign_id__in=ids)
        .values("campaign_id")
        .annotate(
            started=Count("pk"),
            submitted=Count("pk", filter=sent),
            other_started=Count("pk", filter=uninvited),
            other_submitted=Count("pk", filter=sent & uninvited),
            last=Max("submitted_at"),
        )
    }
    rows = []
    for campaign in campaigns:
        c = counts.get(campaign.pk, {})
        row = {
            "campaign": campaign,
            "invited": invited.get(campaign.pk, 0),
            "started": c.get("started", 0),
            "submitted": c.get("submitted", 0),
            "other_started": c.get("other_started", 0),
            "other_submitted": c.get("other_submitted", 0),
            "last": c.get("last"),
        }
        row["invited_submitted"] = row["submitted"] - row["other_submitted"]
        row["rate"] = percent(row["invited_submitted"], row["invited"]) if row["invited"] else None
        rows.append(row)
    return rows
