"""The procurement pages: the project's procurements, one procurement (suggested procedure, timeline,
providers, offers, ranking, award), the evaluation grid of the signed-in evaluator and the award report.

Reading needs ``can_view`` (the Collège reads), writing ``can_edit_project`` (consultants, the project's
leader and team: they are also the evaluators)."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.documents import jobs
from projects.forms.procurement import AwardForm, OfferForm, ProcedureForm, ProcurementForm, ProviderForm, TimelineForm
from projects.models import CriterionKind, OfferDocument, RenderFormat
from projects.selectors.procurement import evaluate
from projects.services import procurement as services
from projects.views.navigation import project_context
from projects.views.overview import load_project
from territoire import access

TAB = "projects:procurements"


def procurements(request, mission_id, project_id):
    project = load_project(request, mission_id, project_id)
    can_edit = access.can_edit_project(request.user, project)
    specification = project.specifications.order_by("-pk").first()
    form = ProcurementForm(
        request.POST or None,
        project=project,
        initial={
            "title": project.title,
            "specification": specification,
            "estimated_amount": services.default_amount(specification=specification),
        },
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            fields = dict(form.cleaned_data)
            if fields.get("estimated_amount") is None:
                fields["estimated_amount"] = services.default_amount(
                    specification=fields.get("specification"), lot=fields.get("lot")
                ) or Decimal(0)
            procurement = services.procurement_save(project=project, fields=fields, by=request.user)
            return redirect("projects:procurement-detail", mission_id, project_id, procurement.pk)
    items = project.procurements.select_related("awarded_offer", "lot")
    return render(
        request,
        "projects/procurement/list.html",
        project_context(project, TAB, procurements=items, form=form, can_edit=can_edit),
    )


def _procurement(project, procurement_id):
    return get_object_or_404(
        project.procurements.select_related("specification", "lot", "awarded_offer", "awarded_by"), pk=procurement_id
    )


def _load(request, mission_id, project_id, procurement_id, *, edit=True):
    perm = access.can_edit_project if edit else access.can_view
    project = load_project(request, mission_id, project_id, perm=perm)
    return project, _procurement(project, procurement_id)


def _back(procurement, anchor=""):
    response = redirect(
        "projects:procurement-detail", procurement.project.mission_id, procurement.project_id, procurement.pk
    )
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _detail(request, project, procurement, status=200, **forms):
    evaluation = evaluate(procurement)
    suggestion = services.suggestion_for(procurement)
    context = project_context(
        project,
        TAB,
        procurement=procurement,
        suggestion=suggestion,
        warning=services.threshold_warning(procurement),
        evaluation=evaluation,
        offers=procurement.offers.prefetch_related("documents"),
        providers=procurement.providers.all(),
        can_edit=access.can_edit_project(request.user, project),
        edit_form=forms.pop("edit_form", None) or ProcurementForm(instance=procurement, project=project),
        procedure_form=forms.pop("procedure_form", None)
        or ProcedureForm(
            initial={
                "procedure": procurement.procedure or (suggestion.procedure if suggestion else None),
                "justification": procurement.procedure_justification,
            }
        ),
        timeline_form=forms.pop("timeline_form", None) or TimelineForm(instance=procurement),
        timeline=[
            (procurement._meta.get_field(name).verbose_name, getattr(procurement, name))
            for name in services.TIMELINE_FIELDS
        ],
        provider_form=forms.pop("provider_form", None) or ProviderForm(),
        offer_form=forms.pop("offer_form", None) or OfferForm(),
        award_form=forms.pop("award_form", None)
        or AwardForm(
            procurement=procurement,
            initial={"offer": procurement.awarded_offer or (evaluation.best.offer if evaluation.best else None)},
        ),
        renders=procurement.renders.filter(requested_by=request.user)[:3],
        **forms,
    )
    return render(request, "projects/procurement/detail.html", context, status=status)


def procurement_detail(request, mission_id, project_id, procurement_id):
    project, procurement = _load(request, mission_id, project_id, procurement_id, edit=False)
    return _detail(request, project, procurement)


@require_POST
def procurement_edit(request, mission_id, project_id, procurement_id):
    project, procurement = _load(request, mission_id, project_id, procurement_id)
    form = ProcurementForm(request.POST, instance=procurement, project=project)
    if form.is_valid():
        services.procurement_save(project=project, procurement=procurement, fields=form.cleaned_data, by=request.user)
        warning = services.threshold_warning(procurement)
        if warning:
            messages.warning(request, warning)
        return _back(procurement)
    procurement.refresh_from_db()
    return _detail(request, project, procurement, status=400, edit_form=form)


def _refusal(form, error: ValidationError):
    form.add_error(None, error.messages[0])


@require_POST
def procurement_procedure(request, mission_id, project_id, procurement_id):
    project, procurement = _load(request, mission_id, project_id, procurement_id)
    form = ProcedureForm(request.POST)
    if form.is_valid():
        try:
            services.procurement_choose_procedure(
                procurement=procurement,
                procedure=form.cleaned_data["procedure"],
                justification=form.cleaned_data["justification"],
                by=request.user,
            )
        except ValidationError as error:
            _refusal(form, error)
        else:
            return _back(procurement, "procedure")
    procurement.refresh_from_db()
    return _detail(request, project, procurement, status=400, procedure_form=form)


@require_POST
def procurement_timeline(request, mission_id, project_id, procurement_id):
    project, procurement = _load(request, mission_id, project_id, procurement_id)
    form = TimelineForm(request.POST, instance=procurement)
    if form.is_valid():
        services.procurement_set_timeline(
            procurement=procurement,
            dates={name: form.cleaned_data.get(name) for name in services.TIMELINE_FIELDS},
            by=request.user,
        )
        return _back(procurement, "timeline")
    procurement.refresh_from_db()
    return _detail(request, project, procurement, status=400, timeline_form=form)


@require_POST
def provider_add(request, mission_id, project_id, procurement_id):
    project, procurement = _load(request, mission_id, project_id, procurement_id)
    form = ProviderForm(request.POST)
    if form.is_valid():
        services.provider_add(procurement=procurement, fields=form.cleaned_data, by=request.user)
        return _back(procurement, "providers")
    return _detail(request, project, procurement, status=400, provider_form=form)


@require_POST
def offer_add(request, mission_id, project_id, procurement_id):
    project, procurement = _load(request, mission_id, project_id, procurement_id)
    form = OfferForm(request.POST, request.FILES)
    if form.is_valid():
        offer = services.offer_add(
            procurement=procurement,
            provider=form.cleaned_data["provider"],
            received_at=form.cleaned_data["received_at"],
            price=form.cleaned_data["price"],
            files=form.cleaned_data["documents"],
            by=request.user,
        )
        if offer.is_late:
            messages.warning(
                request,
                _("L’offre de %(provider)s est arrivée après la date limite : elle est écartée de l’évaluation.")
                % {"provider": offer.provider},
            )
        return _back(procurement, "offers")
    return _detail(request, project, procurement, status=400, offer_form=form)


@require_POST
def offer_exclusion(request, mission_id, project_id, offer_id):
    project = load_project(request, mission_id, project_id, perm=access.can_edit_project)
    from projects.models import Offer

    offer = get_object_or_404(
        Offer.objects.filter(procurement__project=project).select_related("procurement__project"), pk=offer_id
    )
    services.offer_set_excluded(offer=offer, excluded=request.POST.get("excluded") == "1", by=request.user)
    return _back(offer.procurement, "offers")


def offer_document(request, mission_id, project_id, offer_document_id):
    project = load_project(request, mission_id, project_id)
    document = get_object_or_404(
        OfferDocument.objects.filter(offer__procurement__project=project), pk=offer_document_id
    )
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)


def evaluation(request, mission_id, project_id, procurement_id):
    """The signed-in evaluator's grid: their points for each included offer on each quality criterion."""
    project, procurement = _load(request, mission_id, project_id, procurement_id, edit=False)
    can_edit = access.can_edit_project(request.user, project)
    result = evaluate(procurement)
    quality = [criterion for criterion in result.criteria if criterion.kind == CriterionKind.QUALITY]
    offers = [row.offer for row in sorted(result.results, key=lambda row: (row.offer.received_at, row.offer.pk))]
    from projects.models import EvaluationScore

    mine = {
        (score.offer_id, score.criterion_id): score
        for score in EvaluationScore.objects.filter(offer__procurement=procurement, evaluator=request.user)
    }
    errors = {}
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        points, comments = {}, {}
        for offer in offers:
            for criterion in quality:
                key = f"p-{offer.pk}-{criterion.pk}"
                raw = request.POST.get(key, "").strip().replace(",", ".")
                comments[(offer.pk, criterion.pk)] = request.POST.get(f"c-{offer.pk}-{criterion.pk}", "").strip()
                if not raw:
                    points[(offer.pk, criterion.pk)] = None
                    continue
                try:
                    value = Decimal(raw)
                except ArithmeticError:
                    value = None
                if value is None or not value.is_finite() or value < 0 or value > criterion.weight:
                    errors[key] = _("Une note entre 0 et %(max)s points.") % {"max": f"{criterion.max_points}"}
                else:
                    points[(offer.pk, criterion.pk)] = value
        if not errors:
            services.scores_save(procurement=procurement, evaluator=request.user, points=points, comments=comments)
            messages.success(request, _("Vos notes sont enregistrées."))
            return redirect("projects:procurement-evaluation", mission_id, project_id, procurement.pk)
    grid = [
        {
            "offer": offer,
            "cells": [
                {
                    "criterion": criterion,
                    "key": f"{offer.pk}-{criterion.pk}",
                    "value": request.POST.get(f"p-{offer.pk}-{criterion.pk}")
                    if errors
                    else (mine[(offer.pk, criterion.pk)].points if (offer.pk, criterion.pk) in mine else ""),
                    "comment": mine[(offer.pk, criterion.pk)].comment if (offer.pk, criterion.pk) in mine else "",
                    "error": errors.get(f"p-{offer.pk}-{criterion.pk}"),
                }
                for criterion in quality
            ],
        }
        for offer in offers
    ]
    context = project_context(
        project,
        TAB,
        procurement=procurement,
        evaluation=result,
        quality=quality,
        grid=grid,
        can_edit=can_edit,
        errors=errors,
    )
    return render(request, "projects/procurement/evaluation.html", context, status=400 if errors else 200)


@require_POST
def procurement_award(request, mission_id, project_id, procurement_id):
    project, procurement = _load(request, mission_id, project_id, procurement_id)
    form = AwardForm(request.POST, procurement=procurement)
    if form.is_valid():
        try:
            services.procurement_award(
                procurement=procurement,
                offer=form.cleaned_data["offer"],
                justification=form.cleaned_data["justification"],
                by=request.user,
            )
        except ValidationError as error:
            _refusal(form, error)
        else:
            messages.success(request, _("Le marché est attribué."))
            return _back(procurement, "award")
    procurement.refresh_from_db()
    return _detail(request, project, procurement, status=400, award_form=form)


@require_POST
def award_report(request, mission_id, project_id, procurement_id):
    project, procurement = _load(request, mission_id, project_id, procurement_id, edit=False)
    document = jobs.document_render_request(
        project=project, procurement=procurement, fmt=RenderFormat.PDF, by=request.user
    )
    return redirect("projects:render-detail", mission_id, project_id, document.pk)
