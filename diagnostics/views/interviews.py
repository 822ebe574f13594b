"""Interviews of the diagnostic: list with progress, planning and notes, and the consultant's guides.

Guides belong to their author, not to a commune: they are loaded among ``usable_by(user)`` (own and
built-in ones) after the mission has been loaded through ``territoire.access``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnostics.forms.interviews import GuideForm, IntervieweeFormSet, InterviewForm, TargetForm
from diagnostics.models import GuideQuestion, Interview, InterviewAudience, InterviewGuide
from diagnostics.selectors.interviews import interview_progress
from diagnostics.services import interviews as services
from territoire import access


def _mission(request, mission_id):
    return access.load_mission(request.user, mission_id, perm=access.can_conduct_interviews)


def _interview(request, mission_id, interview_id) -> Interview:
    return access.load(
        request.user,
        Interview.objects.filter(mission_id=mission_id).select_related("mission__commune", "interviewer", "guide"),
        pk=interview_id,
        perm=access.can_conduct_interviews,
    )


def interviews(request, mission_id):
    mission = _mission(request, mission_id)
    rows = list(
        Interview.objects.filter(mission=mission)
        .select_related("interviewer")
        .prefetch_related("interviewees")
        .order_by("scheduled_at", "pk")
    )
    progress = interview_progress(mission, rows)
    return render(
        request,
        "diagnostics/interviews/list.html",
        {
            "mission": mission,
            "interviews": rows,
            "progress": progress,
            "target_form": TargetForm(initial={"target": progress.target}),
        },
    )


@require_POST
def interview_target_set(request, mission_id):
    mission = _mission(request, mission_id)
    form = TargetForm(request.POST)
    if form.is_valid():
        services.interview_target_set(mission=mission, target=form.cleaned_data["target"], by=request.user)
        messages.success(request, _("L'objectif est de %(n)s entretiens.") % {"n": form.cleaned_data["target"]})
    else:
        messages.error(request, _("L'objectif est un nombre d'entretiens entre 1 et 100."))
    return redirect("diagnostics:interviews", mission_id=mission.pk)


def _people(formset) -> list[dict]:
    return [
        f.cleaned_data
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("name")
    ]


def _edit(request, mission, interview):
    builtin = services.guide_builtin()
    creating = interview.pk is None
    initial = {"interviewer": request.user.pk, "guide": builtin.pk if builtin else None} if creating else None
    form = InterviewForm(request.POST or None, instance=interview, mission=mission, user=request.user, initial=initial)
    formset = IntervieweeFormSet(
        request.POST or None, instance=interview, prefix="people", form_kwargs={"mission": mission}
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields = {k: form.cleaned_data[k] for k in services.INTERVIEW_FIELDS}
        try:
            if creating:
                interview = services.interview_create(
                    mission=mission, by=request.user, people=_people(formset), **fields
                )
                messages.success(request, _("L'entretien est enregistré."))
            else:
                services.interview_update(interview=interview, by=request.user, people=_people(formset), **fields)
                messages.success(request, _("L'entretien est mis à jour."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("diagnostics:interview-detail", mission_id=mission.pk, interview_id=interview.pk)
    return render(
        request,
        "diagnostics/interviews/form.html",
        {"mission": mission, "interview": None if creating else interview, "form": form, "formset": formset},
    )


def interview_create(request, mission_id):
    mission = _mission(request, mission_id)
    return _edit(request, mission, Interview(mission=mission))


def interview_edit(request, mission_id, interview_id):
    interview = _interview(request, mission_id, interview_id)
    return _edit(request, interview.mission, interview)


def interview_detail(request, mission_id, interview_id):
    interview = _interview(request, mission_id, interview_id)
    people = list(interview.interviewees.select_related("member__user"))
    audiences = {p.audience for p in people}
    questions = []
    if interview.guide_id:
        questions = [q for q in interview.guide.questions.all() if q.audience in audiences] or list(
            interview.guide.questions.all()
        )
    return render(
        request,
        "diagnostics/interviews/detail.html",
        {"mission": interview.mission, "interview": interview, "people": people, "questions": questions},
    )


@require_POST
def interview_status(request, mission_id, interview_id):
    interview = _interview(request, mission_id, interview_id)
    status = request.POST.get("status")
    if status not in Interview.Status.values:
        messages.error(request, _("Cet état n'existe pas."))
    else:
        services.interview_set_status(interview=interview, status=status, by=request.user)
        messages.success(request, _("L'entretien est « %(status)s ».") % {"status": interview.get_status_display()})
    return redirect("diagnostics:interview-detail", mission_id=mission_id, interview_id=interview.pk)


@require_POST
def interview_delete(request, mission_id, interview_id):
    interview = _interview(request, mission_id, interview_id)
    try:
        services.interview_delete(interview=interview, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("diagnostics:interview-detail", mission_id=mission_id, interview_id=interview.pk)
    messages.success(request, _("L'entretien est supprimé."))
    return redirect("diagnostics:interviews", mission_id=mission_id)


# --- Guides -------------------------------------------------------------------------------------


def _guide(request, guide_id, *, editable=False) -> InterviewGuide:
    guide = get_object_or_404(
        InterviewGuide.objects.usable_by(request.user).prefetch_related(
            Prefetch("questions", queryset=GuideQuestion.objects.order_by("audience", "position"))
        ),
        pk=guide_id,
    )
    if editable and guide.author_id != request.user.pk:
        raise PermissionDenied
    return guide


def guides(request, mission_id):
    mission = _mission(request, mission_id)
    rows = InterviewGuide.objects.usable_by(request.user).prefetch_related("questions").order_by("author", "title")
    return render(request, "diagnostics/interviews/guides.html", {"mission": mission, "guides": rows})


def guide_detail(request, mission_id, guide_id):
    mission = _mission(request, mission_id)
    guide = _guide(request, guide_id)
    sections = [
        (label, [q for q in guide.questions.all() if q.audience == value])
        for value, label in InterviewAudience.choices
    ]
    return render(
        request, "diagnostics/interviews/guide_detail.html", {"mission": mission, "guide": guide, "sections": sections}
    )


def _guide_edit(request, mission, guide):
    form = GuideForm(request.POST or None, instance=guide)
    if request.method == "POST" and form.is_valid():
        guide = services.guide_save(
            guide=guide,
            author=request.user,
            title=form.cleaned_data["title"],
            intro=form.cleaned_data["intro"],
            questions=form.questions(),
        )
        messages.success(request, _("Le guide « %(title)s » est enregistré.") % {"title": guide.title})
        return redirect("diagnostics:guide-detail", mission_id=mission.pk, guide_id=guide.pk)
    return render(
        request, "diagnostics/interviews/guide_form.html", {"mission": mission, "form": form, "guide": guide}
    )


def guide_create(request, mission_id):
    return _guide_edit(request, _mission(request, mission_id), InterviewGuide())


def guide_edit(request, mission_id, guide_id):
    mission = _mission(request, mission_id)
    return _guide_edit(request, mission, _guide(request, guide_id, editable=True))


@require_POST
def guide_copy(request, mission_id, guide_id):
    mission = _mission(request, mission_id)
    copy = services.guide_copy(guide=_guide(request, guide_id), author=request.user)
    messages.success(request, _("Votre copie du guide est créée : adaptez-la."))
    return redirect("diagnostics:guide-edit", mission_id=mission.pk, guide_id=copy.pk)
