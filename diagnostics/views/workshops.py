"""Ideation workshops: the facilitator's screens and the participants' public link.

The participants' page answers without login (``@login_not_required``): its URL holds no mission,
only the workshop's unguessable token, which alone names the workshop (``diagnostics.public_urls``).
A participant is one browser session; cards and votes are also limited per client address
(``territoire.ratelimits``), refused with HTTP 429.
"""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Min, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from diagnostics.forms.workshops import CardForm, PaperVotesForm, WorkshopForm
from diagnostics.models import CardVote, ChallengeCard, FindingSource, Workshop
from diagnostics.services import workshops as services
from territoire import access, ratelimits


def _mission(request, mission_id, perm=access.can_view):
    return access.load_mission(request.user, mission_id, perm=perm)


def _workshop(request, mission_id, workshop_id, perm=access.can_manage_mission) -> Workshop:
    return access.load(
        request.user,
        Workshop.objects.filter(mission_id=mission_id).select_related("mission__commune"),
        pk=workshop_id,
        perm=perm,
    )


def _card(request, mission_id, workshop_id, card_id) -> ChallengeCard:
    return access.load(
        request.user,
        ChallengeCard.objects.filter(workshop_id=workshop_id, workshop__mission_id=mission_id).select_related(
            "workshop__mission__commune"
        ),
        pk=card_id,
        perm=access.can_manage_mission,
    )


def _refusal(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


def workshops(request, mission_id):
    mission = _mission(request, mission_id)
    rows = Workshop.objects.filter(mission=mission).annotate(
        card_count=Count("cards", distinct=True),
        selected_count=Count("cards", filter=Q(cards__selected=True), distinct=True),
    )
    return render(request, "diagnostics/workshops/list.html", {"mission": mission, "workshops": rows})


def _edit(request, mission, workshop):
    form = WorkshopForm(request.POST or None, instance=workshop)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in services.WORKSHOP_FIELDS}
        if workshop.pk:
            services.workshop_update(workshop=workshop, by=request.user, **fields)
        else:
            workshop = services.workshop_create(mission=mission, by=request.user, **fields)
        messages.success(request, _("L'atelier « %(title)s » est enregistré.") % {"title": workshop.title})
        return redirect("diagnostics:workshop-detail", mission_id=mission.pk, workshop_id=workshop.pk)
    return render(
        request,
        "diagnostics/workshops/form.html",
        {"mission": mission, "form": form, "workshop": workshop if workshop.pk else None},
    )


def workshop_create(request, mission_id):
    mission = _mission(request, mission_id, access.can_manage_mission)
    return _edit(request, mission, Workshop(mission=mission))


def workshop_edit(request, mission_id, workshop_id):
    workshop = _workshop(request, mission_id, workshop_id)
    return _edit(request, workshop.mission, workshop)


def _online_participants(workshop, cards) -> list[dict]:
    """Who took part through the link, numbered in order of arrival: their cards and votes cast."""
    seen = {}
    for card in cards:
        if card.participant:
            row = seen.setdefault(card.participant, {"key": card.participant, "first": card.created_at, "votes": 0})
            row["first"] = min(row["first"], card.created_at)
            row["cards"] = row.get("cards", 0) + 1
    votes = (
        CardVote.objects.filter(card__workshop=workshop)
        .values("participant")
        .annotate(count=Count("pk"), first=Min("created_at"))
    )
    for vote in votes:
        row = seen.setdefault(vote["participant"], {"key": vote["participant"], "first": vote["first"]})
        row["first"] = min(row["first"], vote["first"])
        row["votes"] = vote["count"]
    rows = sorted(seen.values(), key=lambda row: (row["first"], row["key"]))
    for number, row in enumerate(rows, start=1):
        row["number"] = number
        row.setdefault("cards", 0)
        row.setdefault("votes", 0)
    return rows


def workshop_detail(request, mission_id, workshop_id):
    workshop = _workshop(request, mission_id, workshop_id, perm=access.can_view)
    cards = list(
        ChallengeCard.objects.filter(workshop=workshop)
        .with_votes()
        .annotate(online_votes=Count("votes", distinct=True))
    )
    selected = sorted((c for c in cards if c.selected), key=lambda c: c.rank)
    participants = _online_participants(workshop, cards)
    voters = sum(1 for row in participants if row["votes"])
    public_url = request.build_absolute_uri(
        reverse("respond:workshop", kwargs={"workshop_token": workshop.public_token})
    )
    return render(
        request,
        "diagnostics/workshops/detail.html",
        {
            "mission": workshop.mission,
            "workshop": workshop,
            "cards": cards,
            "selected": selected,
            # Cards some finding already cites: their button opens it rather than creating one.
            "cards_with_finding": set(
                FindingSource.objects.filter(card__workshop=workshop).values_list("card_id", flat=True)
            ),
            "voters": voters,
            "participants": participants,
            "public_url": public_url,
            "card_form": CardForm(),
            "may_edit_cards": workshop.phase != Workshop.Phase.CLOSED
            and access.can_manage_mission(request.user, workshop),
            "phases": [(value, label) for value, label in Workshop.Phase.choices if value in workshop.phases],
        },
    )


def _back(workshop):
    return redirect("diagnostics:workshop-detail", mission_id=workshop.mission_id, workshop_id=workshop.pk)


@require_POST
def workshop_phase(request, mission_id, workshop_id):
    workshop = _workshop(request, mission_id, workshop_id)
    try:
        services.workshop_set_phase(workshop=workshop, phase=request.POST.get("phase", ""), by=request.user)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("L'atelier est en phase « %(phase)s ».") % {"phase": workshop.get_phase_display()})
    return _back(workshop)


@require_POST
def workshop_select_top(request, mission_id, workshop_id):
    workshop = _workshop(request, mission_id, workshop_id)
    try:
        top = services.workshop_select_top(workshop=workshop, by=request.user)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("Les %(n)s défis les plus votés sont retenus.") % {"n": len(top)})
    return _back(workshop)


@require_POST
def card_add(request, mission_id, workshop_id):
    workshop = _workshop(request, mission_id, workshop_id)
    form = CardForm(request.POST)
    if form.is_valid():
        try:
            services.card_add(workshop=workshop, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refusal(request, error)
        else:
            messages.success(request, _("La carte est ajoutée."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return _back(workshop)


@require_POST
def card_action(request, mission_id, workshop_id, card_id):
    """Select, unselect, delete a card or type its paper votes (``action`` in the form)."""
    card = _card(request, mission_id, workshop_id, card_id)
    action = request.POST.get("action")
    try:
        if action == "select":
            services.card_select(card=card, by=request.user)
        elif action == "unselect":
            services.card_unselect(card=card, by=request.user)
        elif action == "delete":
            services.card_delete(card=card, by=request.user)
            messages.success(request, _("La carte et ses votes sont supprimés."))
        elif action == "paper_votes":
            form = PaperVotesForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Indiquez un nombre de votes entre 0 et 999."))
            services.card_set_paper_votes(card=card, votes=form.cleaned_data["paper_votes"], by=request.user)
        else:
            raise ValidationError(_("Action inconnue."))
    except ValidationError as error:
        _refusal(request, error)
    return _back(card.workshop)


@require_POST
def votes_delete(request, mission_id, workshop_id):
    """Remove the online votes of one participant (``participant``) or on one card (``card``)."""
    workshop = _workshop(request, mission_id, workshop_id)
    card = None
    if request.POST.get("card"):
        card = get_object_or_404(ChallengeCard, workshop=workshop, pk=_int(request.POST["card"]))
    try:
        count = services.vote_delete(
            workshop=workshop, by=request.user, participant=request.POST.get("participant", "")[:64], card=card
        )
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(
            request,
            ngettext("%(n)s vote en ligne est retiré.", "%(n)s votes en ligne sont retirés.", count) % {"n": count},
        )
    return _back(workshop)


def _int(value) -> int:
    try:
        return int(value)
    except ValueError:
        raise Http404 from None


# --- The participants' link ---------------------------------------------------------------------


def _public_workshop(token) -> Workshop:
    return get_object_or_404(Workshop.objects.select_related("mission__commune"), public_token=token)


def _participant(request, workshop) -> str:
    key = f"workshop-participant-{workshop.pk}"
    if key not in request.session:
        request.session[key] = secrets.token_hex(16)
    return request.session[key]


@login_not_required
def workshop_public(request, workshop_token):
    workshop = _public_workshop(workshop_token)
    participant = _participant(request, workshop)
    form = CardForm(request.POST or None)
    if request.method == "POST":
        if ratelimits.limited(request, ratelimits.WORKSHOP_CARD):
            messages.error(
                request, _("Trop de cartes envoyées depuis cette connexion : réessayez dans quelques minutes.")
            )
            return _public_page(request, workshop, participant, form, status=429)
        if form.is_valid():
            try:
                services.card_add(workshop=workshop, participant=participant, **form.cleaned_data)
            except ValidationError as error:
                _refusal(request, error)
            else:
                messages.success(request, _("Merci ! Votre carte est ajoutée."))
                return redirect(request.path)
        else:
            messages.error(request, _("La carte n'est pas ajoutée : corrigez le formulaire ci-dessous."))
    return _public_page(request, workshop, participant, form)


def _public_page(request, workshop, participant, form, status=200):
    cards = list(ChallengeCard.objects.filter(workshop=workshop).order_by("pk"))
    my_votes = set(
        CardVote.objects.filter(card__workshop=workshop, participant=participant).values_list("card_id", flat=True)
    )
    return render(
        request,
        "diagnostics/workshops/public.html",
        {
            "workshop": workshop,
            "form": form,
            "cards": cards,
            "my_cards": [c for c in cards if c.participant == participant],
            "my_votes": my_votes,
            "votes_left": max(0, workshop.votes_per_participant - len(my_votes)),
            "selected": sorted((c for c in cards if c.selected), key=lambda c: c.rank),
        },
        status=status,
    )


@login_not_required
@require_POST
def workshop_public_vote(request, workshop_token, card_id):
    workshop = _public_workshop(workshop_token)
    participant = _participant(request, workshop)
    if ratelimits.limited(request, ratelimits.WORKSHOP_VOTE):
        messages.error(request, _("Trop de votes envoyés depuis cette connexion : réessayez dans quelques minutes."))
        return _public_page(request, workshop, participant, CardForm(), status=429)
    card = get_object_or_404(ChallengeCard, workshop=workshop, pk=card_id)
    try:
        cast = services.card_vote(card=card, participant=participant)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("Vote enregistré.") if cast else _("Vote retiré."))
    return redirect("respond:workshop", workshop_token=workshop_token)
