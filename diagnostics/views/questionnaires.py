"""The questionnaire builder: list, create, load a template, edit sections and questions, preview.

Structure edits answer htmx with the re-rendered builder (partial ``builder``); without htmx they
redirect to the builder page, so every action also works as a plain form.
"""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnostics.forms.questionnaires import (
    TYPE_FIELDS,
    BuiltinForm,
    QuestionAddForm,
    QuestionForm,
    QuestionnaireForm,
    SectionForm,
    TemplateChoiceForm,
)
from diagnostics.models import Campaign, Questionnaire, Response
from diagnostics.services import questionnaires as services
from diagnostics.views.common import builder_context, load_question, load_questionnaire, load_section
from territoire import access


def questionnaire_list(request, mission_id):
    mission = access.load_mission(request.user, mission_id)
    manager = access.can_manage_mission(request.user, mission)
    questionnaires = (
        Questionnaire.objects.filter(mission=mission)
        .annotate(
            question_count=Count("questions", distinct=True),
            campaign_count=Count("campaigns", distinct=True),
        )
        .order_by("-created_at")
    )
    campaigns = (
        Campaign.objects.filter(mission=mission).select_related("questionnaire", "mission").order_by("-opens_at")
    )
    mine = {}
    if not manager:
        campaigns = [c for c in campaigns if access.can_answer_campaign(request.user, c)]
        mine = dict(
            Response.objects.filter(campaign__in=[c.pk for c in campaigns], user=request.user).values_list(
                "campaign_id", "submitted_at"
            )
        )
    return render(
        request,
        "diagnostics/questionnaires/list.html",
        {
            "mission": mission,
            "commune": mission.commune,
            "manager": manager,
            "questionnaires": questionnaires if manager or access.can_see_results(request.user, mission) else [],
            "campaigns": [(c, c.pk in mine, mine.get(c.pk)) for c in campaigns],
            "create_form": QuestionnaireForm(),
            "builtin_form": BuiltinForm(),
            "my_templates": Questionnaire.objects.templates_of(request.user).annotate(
                question_count=Count("questions")
            )
            if manager
            else [],
        },
    )


@require_POST
def questionnaire_create(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    form = QuestionnaireForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Donnez un titre au questionnaire."))
        return redirect("diagnostics:questionnaire-list", mission.pk)
    questionnaire = services.questionnaire_create(mission=mission, by=request.user, **form.cleaned_data)
    return redirect("diagnostics:questionnaire-detail", mission.pk, questionnaire.pk)


@require_POST
def questionnaire_load_builtin(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    form = BuiltinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ce modèle n'existe pas."))
        return redirect("diagnostics:questionnaire-list", mission.pk)
    questionnaire = services.questionnaire_load_builtin(mission=mission, by=request.user, key=form.cleaned_data["key"])
    messages.success(
        request, _("Le modèle « %(title)s » est chargé dans la mission.") % {"title": questionnaire.title}
    )
    return redirect("diagnostics:questionnaire-detail", mission.pk, questionnaire.pk)


@require_POST
def questionnaire_load_template(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_manage_mission)
    # Only the consultant's own templates: another person's template is refused, like a malformed id.
    form = TemplateChoiceForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, form.errors["template_id"][0])
        return redirect("diagnostics:questionnaire-list", mission.pk)
    template = form.cleaned_data["template_id"]
    questionnaire = services.questionnaire_copy(questionnaire=template, by=request.user, mission=mission)
    messages.success(request, _("Votre modèle « %(title)s » est chargé.") % {"title": questionnaire.title})
    return redirect("diagnostics:questionnaire-detail", mission.pk, questionnaire.pk)


def questionnaire_detail(request, mission_id, questionnaire_id):
    questionnaire = load_questionnaire(request, mission_id, questionnaire_id)
    context = builder_context(questionnaire)
    context["edit_form"] = QuestionnaireForm(
        initial={"title": questionnaire.title, "description": questionnaire.description}
    )
    return render(request, "diagnostics/questionnaires/builder.html", context)


def _builder_response(request, questionnaire, error=""):
    if request.htmx:
        context = builder_context(questionnaire)
        context["error"] = error
        return render(request, "diagnostics/questionnaires/builder.html#builder", context)
    if error:
        messages.error(request, error)
    return redirect("diagnostics:questionnaire-detail", questionnaire.mission_id, questionnaire.pk)


@require_POST
def questionnaire_edit(request, mission_id, questionnaire_id):
    questionnaire = load_questionnaire(request, mission_id, questionnaire_id)
    form = QuestionnaireForm(request.POST)
    if form.is_valid():
        services.questionnaire_update(questionnaire=questionnaire, by=request.user, **form.cleaned_data)
        messages.success(request, _("Le questionnaire est enregistré."))
    else:
        messages.error(request, _("Donnez un titre au questionnaire."))
    return redirect("diagnostics:questionnaire-detail", mission_id, questionnaire.pk)


@require_POST
def questionnaire_duplicate(request, mission_id, questionnaire_id):
    questionnaire = load_questionnaire(request, mission_id, questionnaire_id)
    copy = services.questionnaire_copy(
        questionnaire=questionnaire,
        by=request.user,
        mission=questionnaire.mission,
        title=_("%(title)s (version %(n)s)") % {"title": questionnaire.title, "n": questionnaire.version + 1},
    )
    messages.success(request, _("Une nouvelle version modifiable a été créée."))
    return redirect("diagnostics:questionnaire-detail", mission_id, copy.pk)


@require_POST
def questionnaire_save_template(request, mission_id, questionnaire_id):
    questionnaire = load_questionnaire(request, mission_id, questionnaire_id)
    services.questionnaire_copy(questionnaire=questionnaire, by=request.user, owner=request.user)
    messages.success(
        request, _("Le questionnaire est enregistré parmi vos modèles : il est disponible dans toutes vos missions.")
    )
    return redirect("diagnostics:questionnaire-detail", mission_id, questionnaire.pk)


@require_POST
def questionnaire_delete(request, mission_id, questionnaire_id):
    questionnaire = load_questionnaire(request, mission_id, questionnaire_id)
    try:
        services.questionnaire_delete(questionnaire=questionnaire, by=request.user)
    except services.StructureLocked as exc:
        messages.error(request, str(exc))
        return redirect("diagnostics:questionnaire-detail", mission_id, questionnaire.pk)
    messages.success(request, _("Le questionnaire est supprimé."))
    return redirect("diagnostics:questionnaire-list", mission_id)


def questionnaire_preview(request, mission_id, questionnaire_id):
    from diagnostics.views.respond import section_page_context

    questionnaire = load_questionnaire(request, mission_id, questionnaire_id)
    context = section_page_context(request, questionnaire=questionnaire, response=None, values={})
    context.update({"preview": True, "mission": questionnaire.mission, "commune": questionnaire.mission.commune})
    return render(request, "diagnostics/respond/fill.html", context)


# --- Sections -----------------------------------------------------------------------------------


@require_POST
def section_add(request, mission_id, questionnaire_id):
    questionnaire = load_questionnaire(request, mission_id, questionnaire_id)
    form = SectionForm(request.POST)
    if not form.is_valid():
        return _builder_response(request, questionnaire, _("Donnez un titre à la section."))
    services.section_create(questionnaire=questionnaire, by=request.user, **form.cleaned_data)
    return _builder_response(request, questionnaire)


@require_POST
def section_edit(request, mission_id, questionnaire_id, section_id):
    section = load_section(request, mission_id, questionnaire_id, section_id)
    form = SectionForm(request.POST)
    if not form.is_valid():
        return _builder_response(request, section.questionnaire, _("Donnez un titre à la section."))
    services.section_update(section=section, by=request.user, **form.cleaned_data)
    return _builder_response(request, section.questionnaire)


@require_POST
def section_move(request, mission_id, questionnaire_id, section_id):
    section = load_section(request, mission_id, questionnaire_id, section_id)
    direction = {"up": -1, "down": 1}.get(request.POST.get("direction"))
    if direction is None:
        return HttpResponseBadRequest(_("Direction inconnue."))
    services.section_move(section=section, by=request.user, direction=direction)
    return _builder_response(request, section.questionnaire)


@require_POST
def section_delete(request, mission_id, questionnaire_id, section_id):
    section = load_section(request, mission_id, questionnaire_id, section_id)
    try:
        services.section_delete(section=section, by=request.user)
    except services.StructureLocked as exc:
        return _builder_response(request, section.questionnaire, str(exc))
    return _builder_response(request, section.questionnaire)


# --- Questions ----------------------------------------------------------------------------------


@require_POST
def question_add(request, mission_id, questionnaire_id, section_id):
    section = load_section(request, mission_id, questionnaire_id, section_id)
    form = QuestionAddForm(request.POST)
    if not form.is_valid():
        return _builder_response(request, section.questionnaire, _("Choisissez un type et écrivez la question."))
    services.question_create(section=section, by=request.user, **form.cleaned_data)
    return _builder_response(request, section.questionnaire)


def question_edit(request, mission_id, questionnaire_id, question_id):
    question = load_question(request, mission_id, questionnaire_id, question_id)
    questionnaire = question.questionnaire
    locked = questionnaire.is_locked()
    choices = list(question.choices.all())
    initial = {
        "text": question.text,
        "help_text": question.help_text,
        "type": question.type,
        "required": question.required,
        "choices": "\n".join(c.label for c in choices if not c.is_other),
        "other_label": next((c.label for c in choices if c.is_other), ""),
        "rows": "\n".join(question.rows),
        "unit": question.config.get("unit", ""),
        "min": question.config.get("min"),
        "max": question.config.get("max"),
        "dimension": question.dimension,
        "theme": question.theme,
        "counts_for_maturity": question.counts_for_maturity,
        "show_if_choice": question.show_if_choice_id,
    }
    form = QuestionForm(request.POST or None, initial=initial, question=question)
    if locked:
        for name in ("type", "show_if_choice"):
            form.fields[name].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.question_update(
                question=question,
                by=request.user,
                text=data["text"],
                help_text=data["help_text"],
                required=data["required"],
                type=data["type"],
                dimension=data["dimension"],
                theme=data["theme"],
                counts_for_maturity=data["counts_for_maturity"],
                config=data["config"],
                choice_labels=data["choice_labels"],
                other_label=data["other_label"],
                show_if_choice=data["show_if_choice"],
            )
        except services.StructureLocked as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("La question est enregistrée."))
            return redirect("diagnostics:questionnaire-detail", mission_id, questionnaire.pk)
    return render(
        request,
        "diagnostics/questionnaires/question_form.html",
        {
            "mission": questionnaire.mission,
            "commune": questionnaire.mission.commune,
            "questionnaire": questionnaire,
            "question": question,
            "form": form,
            "fields": _fields_by_type(form, question),
            "locked": locked,
        },
    )


def _fields_by_type(form, question) -> list:
    """(field, the types that use it, hidden now): the editor shows only the fields of the chosen type."""
    current = form["type"].value() or question.type
    rows = []
    for field in form:
        types = TYPE_FIELDS.get(field.name)
        rows.append((field, " ".join(sorted(types)) if types else "", bool(types) and current not in types))
    return rows


@require_POST
def question_move(request, mission_id, questionnaire_id, question_id):
    question = load_question(request, mission_id, questionnaire_id, question_id)
    direction = {"up": -1, "down": 1}.get(request.POST.get("direction"))
    if direction is None:
        return HttpResponseBadRequest(_("Direction inconnue."))
    services.question_move(question=question, by=request.user, direction=direction)
    return _builder_response(request, question.questionnaire)


@require_POST
def section_reorder_questions(request, mission_id, questionnaire_id, section_id):
    section = load_section(request, mission_id, questionnaire_id, section_id)
    try:
        order = [int(pk) for pk in request.POST.get("order", "").split(",") if pk]
        services.section_reorder_questions(section=section, by=request.user, order=order)
    except ValueError as exc:
        message = str(exc) if "ordre" in str(exc) else _("L'ordre reçu n'est pas valide. Rechargez la page.")
        return _builder_response(request, section.questionnaire, message)
    return _builder_response(request, section.questionnaire)


@require_POST
def question_delete(request, mission_id, questionnaire_id, question_id):
    question = load_question(request, mission_id, questionnaire_id, question_id)
    try:
        services.question_delete(question=question, by=request.user)
    except services.StructureLocked as exc:
        return _builder_response(request, question.questionnaire, str(exc))
    return _builder_response(request, question.questionnaire)
