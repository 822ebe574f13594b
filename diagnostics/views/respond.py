"""Filling a questionnaire in the browser, without an account.

``/r/<token>/`` takes an invitation's token (a GET writes nothing; the first POST creates the response: the
invitation then counts as "started") or a response's own resume token (public and logged-in
responses). ``/p/<public_token>/`` is a campaign's public link: one response per browser session,
behind a honeypot field and a per-address rate limit (``territoire.ratelimits``, as autosaves).

Outcomes: unknown token → 404 page in French; campaign not open yet or closed → a polite page
(and autosave refused); response already submitted → the thank-you page, autosave refused with a
message; answer of the wrong type, out of range or a foreign choice → the message next to the
question, nothing saved.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnostics.models import Answer, Campaign, Invitation, Question, QuestionType, Response
from diagnostics.selectors.respond import link_state, question_shape
from diagnostics.services.respond import (
    AnswerError,
    AnswerRefused,
    answer_save,
    is_visible,
    parse_answer,
    response_start,
    response_submit,
    response_touch,
)
from diagnostics.views.common import sections_with_questions
from territoire import ratelimits

SESSION_KEY = "diagnostics_responses"


def _find(token: str) -> tuple[Campaign, Invitation | None, Response | None]:
    """The campaign, invitation and response a token names, read only; Http404 when it names none.

    An invitation's response may not exist yet: a GET shows the questionnaire without writing, the
    first POST creates it (:func:`diagnostics.services.respond.response_start`).
    """
    related = ("campaign__questionnaire", "campaign__mission__commune")
    invitation = Invitation.objects.select_related(*related, "response").filter(token=token).first()
    if invitation is not None:
        response = getattr(invitation, "response", None)
        if response is not None:
            response.campaign = invitation.campaign
        return invitation.campaign, invitation, response
    response = Response.objects.select_related(*related).filter(token=token).first()
    if response is None:
        raise Http404(_("Ce lien n'existe pas ou plus."))
    return response.campaign, None, response


def _unknown(request):
    return render(request, "diagnostics/respond/unknown.html", status=404)


def _closed_page(request, campaign, response=None):
    return render(
        request,
        "diagnostics/respond/closed.html",
        {"campaign": campaign, "status": campaign.status(), "response": response},
        status=410 if campaign.status() == Campaign.Status.CLOSED else 200,
    )


def _state(question: Question, value) -> dict:
    """What the form shows for an answer already given."""
    state = {"value": "", "selected": set(), "other": "", "cells": {}, "ranks": {}}
    if value is None:
        return state
    if question.type in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT, QuestionType.NUMBER):
        state["value"] = str(value).replace(".", ",") if question.type == QuestionType.NUMBER else value
    elif question.type == QuestionType.SINGLE:
        state["selected"] = {value.get("choice")}
        state["other"] = value.get("other", "")
    elif question.type == QuestionType.MULTIPLE:
        state["selected"] = set(value.get("choices", []))
        state["other"] = value.get("other", "")
    elif question.type in (QuestionType.LIKERT, QuestionType.RATING):
        state["value"] = value
    elif question.type == QuestionType.YES_NO:
        state["value"] = "yes" if value else "no"
    elif question.type == QuestionType.RANKING:
        state["ranks"] = {choice: n for n, choice in enumerate(value, start=1)}
    elif question.type == QuestionType.MATRIX:
        state["cells"] = {int(k): v for k, v in value.items()}
    return state


def _posted_state(question: Question, data) -> dict:
    """What the respondent sent for a question refused with a message: shown again beside the message, so that a
    duplicate rank or a number out of range is corrected rather than chosen again from scratch."""
    name = f"q{question.pk}"
    state = _state(question, None)
    if question.type == QuestionType.RANKING:
        for choice in question.choices.all():
            given = (data.get(f"{name}_c{choice.pk}") or "").strip()
            if given.isdigit():
                state["ranks"][choice.pk] = int(given)
    elif question.type in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT, QuestionType.NUMBER):
        state["value"] = data.get(name, "")
    return state


def section_page_context(request, *, questionnaire, response, values, errors=None, number=None) -> dict:
    sections = list(sections_with_questions(questionnaire))
    count = len(sections)
    if number is None:
        try:
            number = int(request.GET.get("section") or (response.last_section if response else 1))
        except ValueError:
            number = 1
    number = min(max(number, 1), count)
    section = sections[number - 1]
    errors = errors or {}
    questions = []
    same_page = {q.pk for q in section.questions.all()}
    for question in section.questions.all():
        visible = is_visible(question, values)
        condition = question.show_if_choice
        # A condition on a question of this page is re-evaluated in the browser as the answer changes.
        if not visible and not (condition and condition.question_id in same_page):
            continue
        question.error = errors.get(question.pk, "")
        # A refused answer is not in ``values`` (or is its previous version): the page shows what was sent.
        refused = question.error and request.method == "POST"
        question.state = (
            _posted_state(question, request.POST) if refused else _state(question, values.get(question.pk))
        )
        question.hidden = not visible
        question.live_condition = bool(condition and condition.question_id in same_page)
        questions.append(question)
    return {
        "questionnaire": questionnaire,
        "response": response,
        "section": section,
        "questions": questions,
        "number": number,
        "count": count,
        "progress": round(100 * (number - 1) / count) if count else 0,
        "is_last": number == count,
        "error_count": len(errors),
    }


def _values(response) -> dict:
    return dict(Answer.objects.filter(response=response).values_list("question_id", "value"))


def _check_new_page(questions, data, *, required: bool) -> tuple[dict, dict]:
    """The errors and the answers of a page posted before any response exists (nothing is written)."""
    errors, values = {}, {}
    for question in questions:
        try:
            parsed = parse_answer(question, data, question.choices.all())
        except AnswerError as exc:
            errors[question.pk] = str(exc)
            continue
        if parsed is not None:
            values[question.pk] = parsed.value
    if required:
        for question in questions:
            if question.required and question.pk not in values and is_visible(question, values):
                errors.setdefault(question.pk, _("Cette question est obligatoire."))
    return errors, values


@login_not_required
def fill(request, token):
    try:
        campaign, invitation, response = _find(token)
    except Http404:
        return _unknown(request)
    questionnaire = campaign.questionnaire
    if response is not None and response.submitted_at:
        return render(request, "diagnostics/respond/thanks.html", {"campaign": campaign, "response": response})
    if not campaign.is_open:
        return _closed_page(request, campaign, response)
    errors = {}
    number = None
    if request.method == "POST":
        go = request.POST.get("go", "next")
        try:
            number = int(request.POST.get("section", "1"))
        except ValueError:
            number = 1
        sections = list(sections_with_questions(questionnaire))
        number = min(max(number, 1), len(sections))
        page_questions = list(sections[number - 1].questions.all())
        if response is None:
            # Not started yet: the response is created only for a page that will be saved, never for
            # a page refused or a move between empty pages.
            errors, values = _check_new_page(page_questions, request.POST, required=go != "prev")
            if errors:
                context = section_page_context(
                    request, questionnaire=questionnaire, response=None, values=values, errors=errors, number=number
                )
                context.update({"campaign": campaign, "token": token, "commune": None})
                return render(request, "diagnostics/respond/fill.html", context, status=400)
            if not values and go != "submit":
                number = min(max(number - 1 if go == "prev" else number + 1, 1), len(sections))
                return redirect(f"{request.path}?section={number}")
            response = response_start(campaign=campaign, invitation=invitation)
        try:
            for question in page_questions:
                try:
                    answer_save(
                        response=response, question=question, data=request.POST, choices=question.choices.all()
                    )
                except AnswerError as exc:
                    errors[question.pk] = str(exc)
        except AnswerRefused as exc:
            response.refresh_from_db(fields=["submitted_at"])
            if response.submitted_at:
                # A second tap or a second tab sent the same page while the first one was submitting: the
                # answers are in, which is what the respondent wants to read.
                return render(request, "diagnostics/respond/thanks.html", {"campaign": campaign, "response": response})
            return render(
                request, "diagnostics/respond/refused.html", {"campaign": campaign, "message": str(exc)}, status=409
            )
        values = _values(response)
        if go != "prev":
            for question in page_questions:
                if question.required and question.pk not in values and is_visible(question, values):
                    errors.setdefault(question.pk, _("Cette question est obligatoire."))
        if not errors:
            if go == "submit" and number == len(sections):
                all_questions = [q for s in sections for q in s.questions.all()]
                result = response_submit(response=response, questions=all_questions)
                if result.ok:
                    return redirect("respond:fill", token)
                missing_ids = {q.pk for q in result.missing}
                first = next(n for n, s in enumerate(sections, 1) if missing_ids & {q.pk for q in s.questions.all()})
                errors = {pk: _("Cette question est obligatoire.") for pk in missing_ids}
                number = first
            else:
                number = number - 1 if go == "prev" else number + 1
                number = min(max(number, 1), len(sections))
                response_touch(response=response, section=number)
                return redirect(f"{request.path}?section={number}")
    else:
        # A GET writes nothing: where the respondent is is recorded by the POSTs (next, previous, submit).
        values = _values(response) if response is not None else {}
    context = section_page_context(
        request, questionnaire=questionnaire, response=response, values=values, errors=errors, number=number
    )
    context.update({"campaign": campaign, "token": token, "commune": None})
    return render(request, "diagnostics/respond/fill.html", context, status=400 if errors else 200)


def _saved(*, error: str = "", status: int = 200) -> HttpResponse:
    """The state shown next to an autosaved question: "Enregistré", or the error. Built without the template
    engine: it answers every autosave, and a template render was a tenth of its time (benchmarks/README.md,
    issue #16)."""
    if error:
        html = format_html(
            '<span class="text-danger" role="alert" data-save-state="error">'
            '<i class="bi bi-exclamation-triangle" aria-hidden="true"></i> {}</span>',
            error,
        )
    else:
        html = format_html(
            '<span class="text-success" data-save-state="ok">'
            '<i class="bi bi-check2-circle" aria-hidden="true"></i> {}</span>',
            _("Enregistré"),
        )
    return HttpResponse(html, status=status)


@login_not_required
@require_POST
def answer(request, token, question_id):
    """Autosave of one answer (htmx): a small "enregistré" state or the error next to the question."""
    if ratelimits.limited(request, ratelimits.AUTOSAVE):
        # The answer stays in the page; questionnaire.js shows this message instead of a failure.
        return _saved(error=_("Enregistrement impossible pour l'instant, réessayez dans une minute."), status=429)
    link = link_state(token)
    if link is None:
        return _unknown(request)
    shape = question_shape(link, question_id)
    if shape is None:
        return _saved(error=_("Cette question ne fait pas partie du questionnaire."), status=404)
    question, choices = shape
    try:
        if link.response_id is None:
            # The first autosave of an invitation starts its response, unless it would be refused anyway.
            if parse_answer(question, request.POST, choices) is None:
                return _saved()  # nothing given, nothing to save
            if not link.is_open:
                raise AnswerRefused(_("Ce questionnaire est clos : les réponses ne peuvent plus être modifiées."))
            invitation = Invitation.objects.select_related("campaign").get(pk=link.invitation_id)
            response = response_start(campaign=invitation.campaign, invitation=invitation)
        else:
            response = Response(pk=link.response_id, campaign_id=link.campaign_id)
        answer_save(response=response, question=question, data=request.POST, choices=choices, campaign=link)
    except (AnswerError, AnswerRefused) as exc:
        return _saved(error=str(exc))
    return _saved()


@login_not_required
def public(request, public_token):
    campaign = (
        Campaign.objects.select_related("mission__commune", "questionnaire").filter(public_token=public_token).first()
    )
    if campaign is None:
        return _unknown(request)
    known = request.session.get(SESSION_KEY, {})
    token = known.get(str(campaign.pk))
    if token and Response.objects.filter(token=token).exists():
        return redirect("respond:fill", token)
    if not campaign.is_open:
        return _closed_page(request, campaign)
    if request.method == "POST":
        if request.POST.get("website"):  # the honeypot: people do not see this field, robots fill it
            return render(request, "diagnostics/respond/refused.html", {"campaign": campaign}, status=400)
        if ratelimits.limited(request, ratelimits.PUBLIC_START):
            return render(
                request,
                "diagnostics/respond/refused.html",
                {
                    "campaign": campaign,
                    "message": _(
                        "Trop de questionnaires ont été commencés depuis cette connexion. Réessayez plus tard."
                    ),
                },
                status=429,
            )
        response = response_start(campaign=campaign)
        request.session[SESSION_KEY] = {**known, str(campaign.pk): response.token}
        return redirect("respond:fill", response.token)
    return render(request, "diagnostics/respond/public.html", {"campaign": campaign})
