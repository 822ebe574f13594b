"""Findings (needs): list, create (from scratch or from a source), edit, cite sources, merge duplicates.

Every member of the commune reads them; only consultants write (``can_manage_mission``).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from diagnostics.forms.findings import FindingFilter, FindingForm, MergeForm, SourceForm, parse_source
from diagnostics.models import ChallengeCard, Finding, FindingSource, Importance, Interview, SourceKind, Workshop
from diagnostics.services import findings as services
from territoire import access, history
from territoire.models import PSTNode, SmartTheme
from territoire.pst import selectors


def _mission(request, mission_id, perm=access.can_view):
    return access.load_mission(request.user, mission_id, perm=perm)


def _finding(request, mission_id, finding_id, perm=access.can_manage_mission) -> Finding:
    return access.load(
        request.user,
        Finding.objects.filter(mission_id=mission_id).select_related("mission__commune", "merged_into"),
        pk=finding_id,
        perm=perm,
    )


SOURCE_RELATED = ("question__questionnaire", "card__workshop", "pst_node", "interview")


def _sources_prefetch():
    return Prefetch(
        "sources",
        queryset=FindingSource.objects.select_related(*SOURCE_RELATED).prefetch_related("interview__interviewees"),
    )


def _refuse(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


def finding_list(request, mission_id):
    mission = _mission(request, mission_id)
    filterset = FindingFilter(request.GET, queryset=Finding.objects.open().filter(mission=mission))
    chosen = filterset.chosen
    findings = list(
        filterset.qs.order_by("theme", "-importance", "pk").prefetch_related(
            _sources_prefetch(), Prefetch("objectives", queryset=PSTNode.objects.order_by("position"))
        )
    )
    theme_labels = dict(SmartTheme.choices)
    groups = {}
    for finding in findings:
        groups.setdefault(finding.theme, []).append(finding)
    merged = list(
        Finding.objects.filter(mission=mission, status=Finding.Status.MERGED)
        .select_related("merged_into")
        .order_by("-updated_at")
    )
    return render(
        request,
        "diagnostics/findings/list.html",
        {
            "mission": mission,
            "groups": [
                (theme_labels.get(theme, _("Sans thème")), groups[theme])
                for theme in [*SmartTheme.values, ""]
                if theme in groups
            ],
            "count": len(findings),
            "merged": merged,
            "filters": [
                (name, f.label, f.extra["choices"], chosen.get(name, "")) for name, f in filterset.filters.items()
            ],
            "filtering": bool(chosen),
            "may_manage": access.can_manage_mission(request.user, mission),
            "may_read_interviews": access.can_read_interviews(request.user, mission),
        },
    )


def finding_detail(request, mission_id, finding_id):
    finding = access.load(
        request.user,
        Finding.objects.filter(mission_id=mission_id)
        .select_related("mission__commune", "merged_into", "created_by")
        .prefetch_related(_sources_prefetch(), "objectives", "merged_findings"),
        pk=finding_id,
    )
    mission = finding.mission
    may_manage = access.can_manage_mission(request.user, mission)
    may_cite = may_manage and not finding.is_merged
    return render(
        request,
        "diagnostics/findings/detail.html",
        {
            "mission": mission,
            "finding": finding,
            "may_manage": may_manage,
            "source_form": SourceForm(mission=mission) if may_cite else None,
            # Without JavaScript the PST search is a plain GET of this page.
            **(_pst_search(finding, request.GET.get("q", "")) if may_cite else {}),
        },
    )


def _pst_search(finding, query: str) -> dict:
    """The PST nodes matching ``query`` for the source picker, and those the finding already cites."""
    nodes, total = selectors.search(finding.mission.commune, query[:100])
    cited = (
        set(finding.sources.filter(kind=SourceKind.PST_NODE).values_list("pst_node_id", flat=True)) if nodes else ()
    )
    return {"pst_query": query, "pst_nodes": nodes, "pst_more": total - len(nodes), "pst_cited": cited}


def finding_pst_search(request, mission_id, finding_id):
    """The source picker's PST search (htmx, as the consultant types): the matching nodes of the commune's PST,
    each with its « Citer » button."""
    finding = _finding(request, mission_id, finding_id)
    if finding.is_merged:
        raise PermissionDenied
    context = {"mission": finding.mission, "finding": finding, **_pst_search(finding, request.GET.get("q", ""))}
    return render(request, "diagnostics/findings/detail.html#pst-results", context)


def _history_subject(record) -> str:
    if record.instance_type is Finding:
        return _("Constat")
    return _("Source : %(kind)s") % {"kind": SourceKind(record.kind).label}


def finding_history(request, mission_id, finding_id):
    """Who changed the finding and its sources, when, and what. Consultants only (``can_read_interviews``):
    the trail names the interviews a finding cites, which are confidences."""
    finding = _finding(request, mission_id, finding_id, perm=access.can_read_interviews)
    records = [
        *Finding.history.filter(id=finding.pk).select_related("history_user"),
        *FindingSource.history.filter(finding_id=finding.pk).select_related("history_user"),
    ]
    entries = history.entries(records, subject=_history_subject, prefetch={Interview: ["interviewees"]})
    return render(
        request,
        "diagnostics/findings/history.html",
        {"mission": finding.mission, "finding": finding, "entries": entries},
    )


def _initial_from_source(ref) -> dict:
    """What a source suggests for a new finding: its words, its theme."""
    obj = ref.obj
    if ref.kind == SourceKind.ALERT:
        return {"statement": ref.message[:300], "theme": "administration", "dimension": "technology"}
    if ref.kind == SourceKind.CARD:
        return {"statement": obj.text[:300], "theme": obj.theme}
    if ref.kind == SourceKind.QUESTION:
        return {"statement": obj.text[:300], "theme": obj.theme, "dimension": obj.dimension}
    if ref.kind == SourceKind.PST_NODE:
        return {"statement": obj.title[:300]}
    return {}


def finding_create(request, mission_id):
    mission = _mission(request, mission_id, access.can_manage_mission)
    initial, source = {}, None
    if request.method == "GET" and request.GET.get("source"):
        try:
            source = parse_source(mission, request.GET["source"])
        except ValidationError as error:
            _refuse(request, error)
        else:
            initial = {"source": request.GET["source"], **_initial_from_source(source)}
    form = FindingForm(request.POST or None, initial=initial, mission=mission)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            finding = services.finding_create(
                mission=mission,
                by=request.user,
                sources=[data["source"]] if data["source"] else [],
                objectives=data["objectives"],
                **{k: data[k] for k in services.FINDING_FIELDS},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Le constat est enregistré."))
            return redirect("diagnostics:finding-detail", mission_id=mission.pk, finding_id=finding.pk)
    if form.is_bound:
        source = form.cleaned_data.get("source")
    return render(
        request,
        "diagnostics/findings/form.html",
        {"mission": mission, "form": form, "finding": None, "source": source},
    )


def finding_edit(request, mission_id, finding_id):
    finding = _finding(request, mission_id, finding_id)
    mission = finding.mission
    form = FindingForm(request.POST or None, instance=finding, mission=mission)
    del form.fields["source"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.finding_update(
                finding=finding,
                by=request.user,
                objectives=data["objectives"],
                **{k: data[k] for k in services.FINDING_FIELDS},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Le constat est enregistré."))
            return redirect("diagnostics:finding-detail", mission_id=mission.pk, finding_id=finding.pk)
    return render(request, "diagnostics/findings/form.html", {"mission": mission, "form": form, "finding": finding})


@require_POST
def finding_source_add(request, mission_id, finding_id):
    finding = _finding(request, mission_id, finding_id)
    form = SourceForm(request.POST, mission=finding.mission)
    if form.is_valid():
        try:
            added = services.finding_add_source(finding=finding, source=form.cleaned_data["source"], by=request.user)
        except ValidationError as error:
            _refuse(request, error)
        else:
            if added:
                messages.success(request, _("La source est ajoutée au constat."))
            else:
                messages.info(request, _("Le constat cite déjà cette source."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("diagnostics:finding-detail", mission_id=mission_id, finding_id=finding.pk)


@require_POST
def finding_source_remove(request, mission_id, finding_id, source_id):
    finding = _finding(request, mission_id, finding_id)
    source = access.load(
        request.user, FindingSource.objects.filter(finding=finding), pk=source_id, perm=access.can_manage_mission
    )
    services.finding_remove_source(source=source, by=request.user)
    messages.success(request, _("La source est retirée du constat."))
    return redirect("diagnostics:finding-detail", mission_id=mission_id, finding_id=finding.pk)


def _merge_plan(request, mission, data):
    """The plan of the merge the form asks for, or None after saying why (messages)."""
    form = MergeForm(data, mission=mission)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return None
    try:
        return services.merge_plan(findings=form.cleaned_data["findings"], keep=form.cleaned_data["keep"])
    except ValidationError as error:
        _refuse(request, error)
        return None


def finding_merge(request, mission_id):
    """GET: what the merge will move, to confirm; POST (from that page only): merge.

    A POST without the confirmation field (an old list page, a forged form) is sent back to the
    confirmation page with the same choice: nothing is merged unseen.
    """
    mission = _mission(request, mission_id, access.can_manage_mission)
    data = request.POST if request.method == "POST" else request.GET
    plan = _merge_plan(request, mission, data)
    if plan is None:
        return redirect("diagnostics:finding-list", mission_id=mission.pk)
    query = urlencode({"findings": [f.pk for f in [plan.keep, *plan.others]], "keep": plan.keep.pk}, doseq=True)
    if request.method == "POST" and request.POST.get("confirm") != "1":
        return redirect(f"{reverse('diagnostics:finding-merge', args=[mission.pk])}?{query}")
    if request.method == "POST":
        keep = services.finding_merge(findings=[plan.keep, *plan.others], keep=plan.keep, by=request.user)
        count = len(plan.others)
        messages.success(
            request,
            ngettext(
                "%(count)s constat a été fusionné dans « %(keep)s ».",
                "%(count)s constats ont été fusionnés dans « %(keep)s ».",
                count,
            )
            % {"count": count, "keep": keep.statement},
        )
        return redirect("diagnostics:finding-detail", mission_id=mission.pk, finding_id=keep.pk)
    sources = {
        s.pk: s
        for s in FindingSource.objects.filter(finding__in=plan.others)
        .select_related(*SOURCE_RELATED)
        .prefetch_related("interview__interviewees")
    }
    return render(
        request,
        "diagnostics/findings/merge.html",
        {
            "mission": mission,
            "plan": plan,
            "importance_after": Importance(plan.importance).label,
            "merged": [
                (
                    other,
                    [sources[s.pk] for s in plan.moving[other.pk]],
                    [sources[s.pk] for s in plan.dropped[other.pk]],
                )
                for other in plan.others
            ],
        },
    )


def _workshop(request, mission_id, workshop_id) -> Workshop:
    return access.load(
        request.user,
        Workshop.objects.filter(mission_id=mission_id).select_related("mission__commune"),
        pk=workshop_id,
        perm=access.can_manage_mission,
    )


@require_POST
def findings_from_workshop(request, mission_id, workshop_id):
    workshop = _workshop(request, mission_id, workshop_id)
    created, kept = services.findings_from_workshop(workshop=workshop, by=request.user)
    if created:
        messages.success(
            request,
            ngettext(
                "%(count)s constat créé à partir des défis retenus.",
                "%(count)s constats créés à partir des défis retenus.",
                created,
            )
            % {"count": created},
        )
    if kept:
        messages.info(
            request,
            ngettext(
                "%(count)s défi avait déjà son constat : il n'a pas été dupliqué.",
                "%(count)s défis avaient déjà leur constat : ils n'ont pas été dupliqués.",
                kept,
            )
            % {"count": kept},
        )
    if not created and not kept:
        messages.warning(request, _("Aucun défi n'est encore retenu dans cet atelier."))
    return redirect("diagnostics:workshop-detail", mission_id=mission_id, workshop_id=workshop.pk)


@require_POST
def finding_from_card(request, mission_id, workshop_id, card_id):
    workshop = _workshop(request, mission_id, workshop_id)
    card = access.load(
        request.user, ChallengeCard.objects.filter(workshop=workshop), pk=card_id, perm=access.can_manage_mission
    )
    finding, created = services.finding_from_card(mission=workshop.mission, card=card, by=request.user)
    if created:
        messages.success(request, _("Le constat « %(statement)s » est créé.") % {"statement": finding.statement})
    else:
        messages.info(request, _("Ce défi a déjà son constat : « %(statement)s ».") % {"statement": finding.statement})
    return redirect("diagnostics:finding-detail", mission_id=mission_id, finding_id=finding.pk)
