"""Campaigns: open one for an audience, invite, remind, publish a public link, close."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from diagnostics.forms.campaigns import CampaignForm, InvitationsForm
from diagnostics.models import Audience, Campaign, Invitation, Response
from diagnostics.selectors.campaigns import campaign_stats
from diagnostics.services import campaigns as services
from diagnostics.services.respond import response_for_member
from diagnostics.tasks import send_invitations_task, send_reminders_task
from diagnostics.views.common import load_campaign, load_questionnaire
from territoire import access, queueing
from territoire.models import Membership
from territoire.qr import qr_svg


def campaign_create(request, mission_id, questionnaire_id):
    questionnaire = load_questionnaire(request, mission_id, questionnaire_id)
    form = CampaignForm(request.POST or None)
    if not request.POST:
        form.initial["title"] = questionnaire.title
        form.initial["public"] = False
    if request.method == "POST" and form.is_valid():
        campaign = services.campaign_create(
            mission=questionnaire.mission, questionnaire=questionnaire, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("La campagne est créée. Invitez maintenant les répondants."))
        return redirect("diagnostics:campaign-detail", mission_id, campaign.pk)
    return render(
        request,
        "diagnostics/campaigns/form.html",
        {
            "mission": questionnaire.mission,
            "commune": questionnaire.mission.commune,
            "questionnaire": questionnaire,
            "form": form,
        },
    )


def campaign_detail(request, mission_id, campaign_id):
    campaign = load_campaign(request, mission_id, campaign_id)
    return render(request, "diagnostics/campaigns/detail.html", _detail_context(request, campaign, InvitationsForm()))


def _detail_context(request, campaign, form, bad_lines=()) -> dict:
    invitations = Invitation.objects.filter(campaign=campaign).select_related("response").order_by("service", "email")
    by_service = (
        Invitation.objects.filter(campaign=campaign)
        .values("service")
        .annotate(
            invited=Count("pk"),
            started=Count("response"),
            submitted=Count("response", filter=Q(response__submitted_at__isnull=False)),
        )
        .order_by("service")
    )
    return {
        "mission": campaign.mission,
        "commune": campaign.mission.commune,
        "campaign": campaign,
        "stats": campaign_stats([campaign])[0],
        "invitations": invitations[:500],
        "invitation_count": invitations.count(),
        "by_service": by_service if campaign.audience == Audience.STAFF else [],
        "form": form,
        "bad_lines": bad_lines,
        "public_url": public_link(request, campaign),
        "public_qr": qr_svg(public_link(request, campaign), title=_("QR code du lien public"))
        if campaign.public_token
        else "",
        "member_count": Membership.objects.filter(
            commune=campaign.mission.commune,
            role={"college": "college", "staff": "staff"}.get(campaign.audience, "-"),
        ).count(),
    }


def public_link(request, campaign) -> str:
    if not campaign.public_token:
        return ""
    return request.build_absolute_uri(reverse("respond:public", args=[campaign.public_token]))


def campaign_poster(request, mission_id, campaign_id):
    """An A4 poster of the public link (QR code and address) for the town hall and the newsletter."""
    campaign = load_campaign(request, mission_id, campaign_id)
    if not campaign.public_token:
        messages.info(request, _("Créez d'abord le lien public : l'affiche le montre."))
        return redirect("diagnostics:campaign-detail", mission_id, campaign.pk)
    url = public_link(request, campaign)
    return render(
        request,
        "diagnostics/campaigns/poster.html",
        {
            "campaign": campaign,
            "commune": campaign.mission.commune,
            "mission": campaign.mission,
            "public_url": url,
            "qr": qr_svg(url, title=_("QR code du questionnaire")),
        },
    )


@require_POST
def campaign_invite(request, mission_id, campaign_id):
    """Invite the good lines at once; hand the bad ones back in the field, each named with its number and reason.

    When no line is good, the whole text stays in the field: nothing typed is lost.
    """
    campaign = load_campaign(request, mission_id, campaign_id)
    form = InvitationsForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "diagnostics/campaigns/detail.html", _detail_context(request, campaign, form))
    count = services.campaign_invite(campaign=campaign, by=request.user, people=form.cleaned_data["people_list"])
    if not count:
        messages.info(request, _("Ces personnes étaient déjà invitées : aucune nouvelle invitation."))
    elif not queueing.warn_if_unsent(request, send_invitations_task, campaign.pk):
        messages.success(
            request, ngettext("%(n)s invitation envoyée.", "%(n)s invitations envoyées.", count) % {"n": count}
        )
    bad_lines = form.cleaned_data["bad_lines"]
    if not bad_lines:
        return redirect("diagnostics:campaign-detail", mission_id, campaign.pk)
    retry = InvitationsForm(initial={"people": "\n".join(bad.text for bad in bad_lines)})
    return render(request, "diagnostics/campaigns/detail.html", _detail_context(request, campaign, retry, bad_lines))


@require_POST
def campaign_remind(request, mission_id, campaign_id):
    campaign = load_campaign(request, mission_id, campaign_id)
    if not campaign.is_open:
        messages.error(request, _("La campagne n'est pas ouverte : pas de rappel."))
        return redirect("diagnostics:campaign-detail", mission_id, campaign.pk)
    count = services.campaign_remind(campaign=campaign, by=request.user)
    if not (count and queueing.warn_if_unsent(request, send_reminders_task, campaign.pk)):
        messages.success(
            request,
            ngettext(
                "Rappel envoyé à %(n)s personne qui n'a pas terminé.",
                "Rappel envoyé aux %(n)s personnes qui n'ont pas terminé.",
                count,
            )
            % {"n": count},
        )
    return redirect("diagnostics:campaign-detail", mission_id, campaign.pk)


@require_POST
def campaign_close(request, mission_id, campaign_id):
    campaign = load_campaign(request, mission_id, campaign_id)
    services.campaign_close(campaign=campaign, by=request.user)
    messages.success(request, _("La campagne est clôturée : les liens n'acceptent plus de réponses."))
    return redirect("diagnostics:campaign-detail", mission_id, campaign.pk)


@require_POST
def campaign_publish(request, mission_id, campaign_id):
    campaign = load_campaign(request, mission_id, campaign_id)
    services.campaign_publish(campaign=campaign, by=request.user)
    messages.success(request, _("Le lien public est prêt : diffusez-le largement."))
    return redirect("diagnostics:campaign-detail", mission_id, campaign.pk)


def campaign_answer(request, mission_id, campaign_id):
    """A member of the commune answers, logged in, a campaign meant for their role.

    A GET writes nothing: it leads to the member's response when there is one, else shows a start
    button; the response is created by that POST, and only while the campaign is open.
    """
    campaign = load_campaign(request, mission_id, campaign_id, perm=access.can_answer_campaign)
    response = Response.objects.filter(campaign=campaign, user=request.user).first()
    if response is not None:
        return redirect("respond:fill", response.token)
    if not campaign.is_open:
        status = campaign.status()
        return render(
            request,
            "diagnostics/respond/closed.html",
            {"campaign": campaign, "status": status},
            status=410 if status == Campaign.Status.CLOSED else 200,
        )
    if request.method == "POST":
        membership = Membership.objects.filter(user=request.user, commune=campaign.mission.commune).first()
        response = response_for_member(
            campaign=campaign, user=request.user, service=membership.service if membership else ""
        )
        return redirect("respond:fill", response.token)
    return render(
        request,
        "diagnostics/campaigns/answer.html",
        {"mission": campaign.mission, "commune": campaign.mission.commune, "campaign": campaign},
    )
