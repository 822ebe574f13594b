"""Pages of the implementation follow-up, one tab each: milestones, budget, indicators, risks, test phase,
communication plan, decision log, and the computed health.

Every member of the commune reads them (the Collège included); the project's editors
(``access.can_edit_project``: consultants of the commune, the project's leader and team) add, change and delete;
others get a 403 on those requests, other communes a 404. The rows are alike — a form on the page adds one, a
button deletes one, a few can be edited — so they are described once in :data:`KINDS` and handled by the same
four views. A refused input comes back on its page (400) with the French message beside its field, nothing saved.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError, RestrictedError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from projects.forms import implementation as forms
from projects.models import (
    Commitment,
    CommunicationAction,
    Feedback,
    Measurement,
    Milestone,
    Participant,
    ProjectDecision,
    ProjectIndicator,
    ProjectStatus,
    Risk,
    Spending,
)
from projects.selectors import implementation as selectors
from projects.selectors.health import health_of
from projects.services import implementation as services
from projects.views.navigation import project_context
from projects.views.overview import load_project
from territoire import access


@dataclass(frozen=True)
class Kind:
    """A kind of row of the follow-up: its model, its form, the page (URL name) that lists it."""

    model: type
    form: type
    page: str
    added: str
    save: object = services.record_save
    editable: bool = False
    select: tuple = field(default_factory=tuple)


KINDS = {
    "milestone": Kind(
        Milestone, forms.MilestoneForm, "projects:milestones", gettext_lazy("Jalon enregistré."), editable=True
    ),
    "commitment": Kind(
        Commitment,
        forms.CommitmentForm,
        "projects:budget",
        gettext_lazy("Engagement enregistré."),
        select=("budget_line",),
    ),
    "spending": Kind(
        Spending,
        forms.SpendingForm,
        "projects:budget",
        gettext_lazy("Dépense enregistrée."),
        save=services.spending_record,
        select=("budget_line",),
    ),
    "indicator": Kind(
        ProjectIndicator, forms.IndicatorForm, "projects:indicators", gettext_lazy("Indicateur ajouté.")
    ),
    "measurement": Kind(
        Measurement,
        forms.MeasurementForm,
        "projects:indicators",
        gettext_lazy("Mesure enregistrée."),
        select=("indicator",),
    ),
    "risk": Kind(Risk, forms.RiskForm, "projects:risks", gettext_lazy("Risque enregistré."), editable=True),
    "participant": Kind(Participant, forms.ParticipantForm, "projects:testing", gettext_lazy("Participant ajouté.")),
    "feedback": Kind(Feedback, forms.FeedbackForm, "projects:testing", gettext_lazy("Retour enregistré.")),
    "test_decision": Kind(
        ProjectDecision, forms.TestDecisionForm, "projects:testing", gettext_lazy("Décision enregistrée.")
    ),
    "communication": Kind(
        CommunicationAction,
        forms.CommunicationForm,
        "projects:communication",
        gettext_lazy("Action de communication enregistrée."),
        editable=True,
    ),
    "decision": Kind(ProjectDecision, forms.DecisionForm, "projects:decisions", gettext_lazy("Décision consignée.")),
}

# page URL name → (template, the kinds whose add form it shows, its context)
PAGES = {
    "projects:milestones": ("projects/implementation/milestones.html", ("milestone",), selectors.milestones_page),
    "projects:budget": ("projects/implementation/budget.html", ("commitment", "spending"), selectors.budget_page),
    "projects:indicators": ("projects/implementation/indicators.html", ("indicator",), selectors.indicators_page),
    "projects:risks": ("projects/implementation/risks.html", ("risk",), selectors.risks_page),
    "projects:testing": (
        "projects/implementation/testing.html",
        ("participant", "feedback", "test_decision"),
        selectors.testing_page,
    ),
    "projects:communication": (
        "projects/implementation/communication.html",
        ("communication",),
        selectors.communication_page,
    ),
    "projects:decisions": ("projects/implementation/decisions.html", ("decision",), selectors.decisions_page),
}


def _form(kind_name, request, project, *, instance=None, data=None, prefix=None):
    kind = KINDS[kind_name]
    return kind.form(
        data,
        instance=instance if instance is not None else kind.model(project=project),
        project=project,
        user=request.user,
        prefix=prefix or kind_name,
    )


def _page(request, project, page, *, bound=None, status=200):
    """Render a page; ``bound`` is the (kind, form) refused, shown in place of that kind's blank form."""
    template, kinds, context_of = PAGES[page]
    editor = access.can_edit_project(request.user, project)
    add_forms = {}
    if editor:
        add_forms = {name: _form(name, request, project) for name in kinds}
        if bound is not None:
            add_forms[bound[0]] = bound[1]
    context = project_context(project, page, editor=editor, add_forms=add_forms, **context_of(project))
    if editor and page == "projects:indicators":
        for indicator in context["indicators"]:
            refused = bound and bound[0] == "measurement" and bound[1].instance.indicator_id == indicator.pk
            blank = Measurement(indicator=indicator)
            indicator.measurement_form = (
                bound[1]
                if refused
                else _form("measurement", request, project, instance=blank, prefix=f"m{indicator.pk}")
            )
    return render(request, template, context, status=status)


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _save(request, project, kind_name, form, *, page):
    """Validate and save through the kind's service; on a refusal the page comes back with the message."""
    kind = KINDS[kind_name]
    if form.is_valid():
        record = form.save(commit=False)
        if isinstance(record, ProjectDecision) and record.recorded_by_id is None:
            record.recorded_by = request.user
        try:
            kind.save(record=record, by=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, str(kind.added))
            return redirect(page, mission_id=project.mission_id, project_id=project.pk)
    return None


def page(request, mission_id, project_id, *, page):
    project = load_project(request, mission_id, project_id)
    return _page(request, project, page)


@require_POST
def item_add(request, mission_id, project_id, *, kind):
    project = load_project(request, mission_id, project_id, perm=access.can_edit_project)
    form = _form(kind, request, project, data=request.POST)
    page_name = KINDS[kind].page
    return _save(request, project, kind, form, page=page_name) or _page(
        request, project, page_name, bound=(kind, form), status=400
    )


@require_POST
def measurement_add(request, mission_id, project_id, indicator_id):
    project = load_project(request, mission_id, project_id, perm=access.can_edit_project)
    indicator = access.load(request.user, ProjectIndicator.objects.filter(project=project), pk=indicator_id)
    form = _form(
        "measurement",
        request,
        project,
        instance=Measurement(indicator=indicator),
        data=request.POST,
        prefix=f"m{indicator.pk}",
    )
    return _save(request, project, "measurement", form, page="projects:indicators") or _page(
        request, project, "projects:indicators", bound=("measurement", form), status=400
    )


def _load_row(request, project, kind, ids):
    """The row of the URL among the project's rows (another project's or commune's: 404)."""
    model = KINDS[kind].model
    rows = (
        model.objects.filter(indicator__project=project)
        if model is Measurement
        else model.objects.filter(project=project)
    )
    (row_id,) = ids.values()
    return access.load(request.user, rows.select_related(*KINDS[kind].select), pk=row_id)


def item_edit(request, mission_id, project_id, *, kind, **ids):
    """The edit page of a milestone, a risk or a communication action."""
    project = load_project(request, mission_id, project_id, perm=access.can_edit_project)
    row = _load_row(request, project, kind, ids)
    data = request.POST if request.method == "POST" else None
    form = _form(kind, request, project, instance=row, data=data)
    if data is not None:
        response = _save(request, project, kind, form, page=KINDS[kind].page)
        if response is not None:
            return response
    return render(
        request,
        "projects/implementation/edit.html",
        project_context(project, KINDS[kind].page, form=form, row=row, back=KINDS[kind].page, kind=kind),
        status=400 if data is not None else 200,
    )


@require_POST
def item_delete(request, mission_id, project_id, *, kind, **ids):
    project = load_project(request, mission_id, project_id, perm=access.can_edit_project)
    row = _load_row(request, project, kind, ids)
    try:
        services.record_delete(record=row, by=request.user)
    except (ProtectedError, RestrictedError):
        messages.error(request, _("Cette ligne est utilisée ailleurs (un retour, une décision) : elle est conservée."))
    else:
        messages.success(request, _("Supprimé : %(row)s.") % {"row": row})
    return redirect(KINDS[kind].page, mission_id=project.mission_id, project_id=project.pk)


def health(request, mission_id, project_id):
    project = load_project(request, mission_id, project_id)
    return _health_page(request, project)


def _health_page(request, project, *, form=None, status=200):
    editor = access.can_edit_project(request.user, project)
    pause = ProjectStatus.objects.filter(project=project).first() or ProjectStatus(project=project)
    if editor and form is None:
        form = forms.PauseForm(instance=pause, project=project, user=request.user)
    context = project_context(
        project,
        "projects:health",
        editor=editor,
        health=health_of([project])[project.pk],
        pause=pause,
        form=form,
    )
    return render(request, "projects/implementation/health.html", context, status=status)


@require_POST
def health_pause(request, mission_id, project_id):
    project = load_project(request, mission_id, project_id, perm=access.can_edit_project)
    pause = ProjectStatus.objects.filter(project=project).first() or ProjectStatus(project=project)
    form = forms.PauseForm(request.POST, instance=pause, project=project, user=request.user)
    if form.is_valid():
        services.project_pause_set(project=project, by=request.user, **form.cleaned_data)
        messages.success(
            request, _("Projet mis en pause.") if form.cleaned_data["paused"] else _("Le projet n’est plus en pause.")
        )
        return redirect("projects:health", mission_id=project.mission_id, project_id=project.pk)
    return _health_page(request, project, form=form, status=400)


def urls(PROJECT):  # noqa: N803 - the name of the prefix in projects/urls.py
    """The tabs of the implementation follow-up and their rows: « jalons/ », « jalons/ajouter/ »,
    « jalons/<milestone_id>/ » (edit), « jalons/<milestone_id>/supprimer/ »..."""
    pages = {
        "milestones": "jalons/",
        "budget": "budget/",
        "indicators": "indicateurs/",
        "risks": "risques/",
        "testing": "phase-de-test/",
        "communication": "communication/",
        "decisions": "decisions/",
    }
    # kind → (path under its page, URL keyword of a row, deletable)
    rows = {
        "milestone": ("", "milestone_id", True),
        "commitment": ("engagements/", "commitment_id", True),
        "spending": ("depenses/", "spending_id", True),
        "indicator": ("", "indicator_id", True),
        "measurement": ("mesures/", "measurement_id", True),
        "risk": ("", "risk_id", True),
        "participant": ("participants/", "participant_id", True),
        "feedback": ("retours/", "feedback_id", True),
        "test_decision": ("decisions/", None, False),
        "communication": ("", "communication_id", True),
        "decision": ("", None, False),
    }
    patterns = [
        path(PROJECT + prefix, page, {"page": f"projects:{name}"}, name=name) for name, prefix in pages.items()
    ]
    for kind, (sub, keyword, deletable) in rows.items():
        base = PROJECT + pages[KINDS[kind].page.removeprefix("projects:")] + sub
        slug = kind.replace("_", "-")
        if kind != "measurement":
            patterns.append(path(base + "ajouter/", item_add, {"kind": kind}, name=f"{slug}-add"))
        if keyword and KINDS[kind].editable:
            row = f"{base}<int:{keyword}>/"
            patterns.append(path(row, item_edit, {"kind": kind}, name=f"{slug}-edit"))
        if keyword and deletable:
            row = f"{base}<int:{keyword}>/supprimer/"
            patterns.append(path(row, item_delete, {"kind": kind}, name=f"{slug}-delete"))
    patterns += [
        path(
            PROJECT + "indicateurs/<int:indicator_id>/mesures/ajouter/",
            measurement_add,
            name="measurement-add",
        ),
        path(PROJECT + "sante/", health, name="health"),
        path(PROJECT + "sante/pause/", health_pause, name="health-pause"),
    ]
    return patterns
