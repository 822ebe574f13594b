"""The PST screens of a mission: list, import (upload → preview with mapping → confirm), tree, node, exports.

The upload only stores the file: a Celery task reads it, and the preview page polls (htmx) until the
preview is ready or refused. A remap of the columns goes through the same task.

Viewing is open to every member of the commune, importing to consultants and staff (``can_contribute``),
tagging to consultants (``can_manage_mission``). PSTs, imports and nodes are loaded through
``territoire.access`` among the mission's commune only.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from territoire import access, exports, queueing, services
from territoire.models import PST, ExportKind, NodeLevel, PSTImport, PSTNode, PSTNodeLink, PSTNodeTag
from territoire.pst import selectors
from territoire.pst.forms import ConfirmForm, MappingForm, PSTUploadForm, TagForm, TreeFilterForm, flagged_nodes

ERRORS_SHOWN = 200


def _load_pst(request, mission, pst_id, perm=access.can_view):
    return access.load(
        request.user, PST.objects.filter(commune=mission.commune).select_related("commune"), perm=perm, pk=pst_id
    )


def _load_import(request, mission, import_id, perm=access.can_view, defer=()):
    queryset = PSTImport.objects.filter(commune=mission.commune).select_related("commune", "by", "pst").defer(*defer)
    return access.load(request.user, queryset, perm=perm, pk=import_id)


def _load_node(request, mission, node_id, perm=access.can_view):
    queryset = PSTNode.objects.filter(pst__commune=mission.commune).select_related("pst__commune", "parent")
    return access.load(request.user, queryset, perm=perm, pk=node_id)


def pst_index(request, mission_id):
    mission = access.load_mission(request.user, mission_id)
    psts = PST.objects.for_commune(mission.commune).annotate(
        os_count=Count("nodes", filter=Q(nodes__level=NodeLevel.OS)),
        oo_count=Count("nodes", filter=Q(nodes__level=NodeLevel.OO)),
        action_count=Count("nodes", filter=Q(nodes__level=NodeLevel.ACTION)),
    )
    imports = (
        PSTImport.objects.for_commune(mission.commune)
        .select_related("by", "pst")
        .defer("payload", "errors", "diff")[:20]
    )
    return render(
        request,
        "territoire/pst_index.html",
        {"mission": mission, "commune": mission.commune, "psts": psts, "imports": imports},
    )


def pst_import(request, mission_id):
    mission = access.load_mission(request.user, mission_id, perm=access.can_contribute)
    form = PSTUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        start_year, end_year = form.cleaned_data["legislature"]
        pst_import = services.pst_import_submit(
            commune=mission.commune,
            file=form.cleaned_data["file"],
            by=request.user,
            start_year=start_year,
            end_year=end_year,
            entity=form.cleaned_data["entity"],
        )
        return redirect("territoire:pst-import-preview", mission.pk, pst_import.pk)
    return render(
        request, "territoire/pst_import.html", {"mission": mission, "commune": mission.commune, "form": form}
    )


def pst_import_preview(request, mission_id, import_id):
    mission = access.load_mission(request.user, mission_id)
    polling = request.htmx and request.method == "GET"
    # A poll every 2 s needs the status only, not the megabytes of a large preview.
    heavy = ("payload", "diff", "errors", "headers") if polling else ()
    pst_import = services.pst_import_expire(pst_import=_load_import(request, mission, import_id, defer=heavy))
    context = {
        "mission": mission,
        "commune": mission.commune,
        "pst_import": pst_import,
        # The analysis waits for the broker (Redis down): the screen says so while it polls.
        "unsent": queueing.UNAVAILABLE if services.pst_import_waits_for_broker(pst_import) else "",
    }
    if polling:
        # The page polls while the file is read; once it is, reload the whole page to show the preview.
        if pst_import.is_analysing:
            return render(request, "territoire/pst_import_preview.html#analysing", context)
        return HttpResponseClientRefresh()
    headers, columns = pst_import.headers, pst_import.mapping.get("columns", [])
    mapping_form = MappingForm(request.POST or None, headers=headers, columns=columns) if headers else None
    if request.method == "POST":
        if not access.can_contribute(request.user, pst_import):
            raise PermissionDenied
        if mapping_form is not None and mapping_form.is_valid():
            try:
                services.pst_import_remap(
                    pst_import=pst_import, columns=mapping_form.cleaned_data["columns"], by=request.user
                )
            except services.PSTImportError as error:
                messages.error(request, str(error))
            else:
                messages.info(request, _("L'aperçu tient compte de la nouvelle correspondance des colonnes."))
            return redirect("territoire:pst-import-preview", mission.pk, pst_import.pk)
        if mapping_form is None:
            messages.error(request, _("Ce fichier n'a pas de colonnes à faire correspondre."))
            return redirect("territoire:pst-import-preview", mission.pk, pst_import.pk)
    nodes = pst_import.payload.get("nodes", [])
    oo_codes = {n["key"]: n["code"] or n["title"][:30] for n in nodes if n["level"] == NodeLevel.OO}
    sample_actions = [
        {**n, "oo_codes": [oo_codes.get(k, k) for k in n["objectives"]]}
        for n in nodes
        if n["level"] == NodeLevel.ACTION
    ][:40]
    diff = pst_import.diff
    return render(
        request,
        "territoire/pst_import_preview.html",
        {
            **context,
            "mapping_form": mapping_form,
            "confirm_form": ConfirmForm(diff=diff),
            "diff": diff,
            "flagged": [n for n in diff.get("updated", []) if n["flagged"]],
            "droppable": {n["id"] for n in flagged_nodes(diff)},
            "errors": pst_import.errors[:ERRORS_SHOWN],
            "hidden_errors": max(0, len(pst_import.errors) - ERRORS_SHOWN),
            "sample": [n for n in nodes if n["level"] != NodeLevel.ACTION][:60],
            "sample_actions": sample_actions,
            "warnings": pst_import.payload.get("warnings", []),
        },
    )


@require_POST
def pst_import_confirm(request, mission_id, import_id):
    mission = access.load_mission(request.user, mission_id)
    pst_import = _load_import(request, mission, import_id, perm=access.can_contribute)
    form = ConfirmForm(request.POST, diff=pst_import.diff)
    if not form.is_valid():
        messages.error(request, _("Ces éléments ne font pas partie de l'aperçu : vérifiez vos choix."))
        return redirect("territoire:pst-import-preview", mission.pk, pst_import.pk)
    try:
        pst_import = services.pst_import_confirm(
            pst_import=pst_import, by=request.user, drop=form.cleaned_data["drop"]
        )
    except services.PSTImportError as error:
        messages.error(request, str(error))
        if pst_import.pst_id:
            return redirect("territoire:pst-detail", mission.pk, pst_import.pst_id)
        return redirect("territoire:pst-import-preview", mission.pk, pst_import.pk)
    counts = pst_import.counts
    messages.success(
        request,
        _(
            "PST importé : %(created)s éléments créés, %(updated)s mis à jour, %(unchanged)s inchangés, "
            "%(removed)s retirés."
        )
        % counts,
    )
    return redirect("territoire:pst-detail", mission.pk, pst_import.pst_id)


def pst_import_file(request, mission_id, import_id):
    # The original is served through this view, which checks the tenant, never from a public /media/.
    mission = access.load_mission(request.user, mission_id)
    pst_import = _load_import(request, mission, import_id, perm=access.can_contribute)
    if not pst_import.file:
        raise Http404
    try:
        handle = pst_import.file.open("rb")
    except FileNotFoundError:  # gone from the folder or the bucket (a partial restore): no 500
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=pst_import.file_name)


def pst_detail(request, mission_id, pst_id):
    mission = access.load_mission(request.user, mission_id)
    pst = _load_pst(request, mission, pst_id)
    raw = {k: request.GET.get(k, "") for k in ("q", "volet", "state", "service", "theme")}
    roots, totals = selectors.tree(pst, **_valid_filters(raw))
    form = TreeFilterForm(raw, services=totals["services"])
    form.is_valid()
    themes = selectors.theme_counts(pst)
    return render(
        request,
        "territoire/pst_detail.html",
        {
            "mission": mission,
            "commune": mission.commune,
            "pst": pst,
            "roots": roots,
            "totals": totals,
            "filter_form": form,
            "theme_rows": [t for t in themes if t["kind"] == PSTNodeTag.Kind.THEME],
            "dimension_rows": [t for t in themes if t["kind"] == PSTNodeTag.Kind.DIMENSION],
            "theme_max": max([t["total"] for t in themes] + [1]),
        },
    )


def _valid_filters(raw: dict) -> dict:
    form = TreeFilterForm(raw, services=[raw.get("service", "")])
    form.is_valid()
    return {k: form.cleaned_data.get(k, "") or "" for k in raw}


def pst_node(request, mission_id, node_id):
    mission = access.load_mission(request.user, mission_id)
    node = _load_node(request, mission, node_id)
    node = (
        PSTNode.objects.filter(pk=node.pk)
        .select_related("pst__commune", "parent")
        .prefetch_related(
            "budget_lines",
            "links",
            "indicators",
            "tags",
            "objectives__parent",
            Prefetch("children", queryset=PSTNode.objects.order_by("position")),
            Prefetch("actions", queryset=PSTNode.objects.order_by("position")),
        )
        .get()
    )
    siblings = PSTNode.objects.filter(pst=node.pst).only("id", "code", "title")
    previous = siblings.filter(position__lt=node.position).order_by("-position").first()
    following = siblings.filter(position__gt=node.position).order_by("position").first()
    tags = list(node.tags.all())
    form = _tag_form(tags)
    return render(
        request,
        "territoire/pst_node.html",
        {
            "mission": mission,
            "commune": mission.commune,
            "pst": node.pst,
            "node": node,
            "tags": tags,
            "tag_form": form,
            "previous": previous,
            "following": following,
            "plans": [link.name for link in node.links.all() if link.kind == PSTNodeLink.Kind.PLAN],
            "partners": [link.name for link in node.links.all() if link.kind == PSTNodeLink.Kind.PARTNER],
        },
    )


def _tag_form(tags, **kwargs) -> TagForm:
    """The themes form of a node, ticked as its ``tags`` are."""
    return TagForm(
        initial={
            "themes": [t.value for t in tags if t.kind == PSTNodeTag.Kind.THEME],
            "dimensions": [t.value for t in tags if t.kind == PSTNodeTag.Kind.DIMENSION],
        },
        **kwargs,
    )


@require_POST
def pst_node_tags(request, mission_id, node_id):
    mission = access.load_mission(request.user, mission_id)
    node = _load_node(request, mission, node_id, perm=access.can_manage_mission)
    form = TagForm(request.POST)
    if form.is_valid():
        services.pst_node_set_tags(
            node=node, themes=form.cleaned_data["themes"], dimensions=form.cleaned_data["dimensions"], by=request.user
        )
        saved = True
    else:
        saved = False
    tags = list(node.tags.all())
    if request.htmx:
        return render(
            request,
            "territoire/pst_node.html#tags",
            {"mission": mission, "node": node, "tags": tags, "tag_form": form, "saved": saved},
        )
    if saved:
        messages.success(request, _("Les thèmes sont enregistrés."))
    else:
        messages.error(request, _("Ces thèmes n'existent pas."))
    return redirect("territoire:pst-node", mission.pk, node.pk)


def pst_node_tags_inline(request, mission_id, node_id):
    """Tagging from the tree (htmx): GET opens the node's themes in its row, POST saves them and gives back the
    row's badges (out of band) and its closed control. Consultants only, as on the node's page, whose form
    stays the way without JavaScript."""
    mission = access.load_mission(request.user, mission_id)
    node = _load_node(request, mission, node_id, perm=access.can_manage_mission)
    context = {"mission": mission, "node": node}
    if request.method != "POST":
        if not request.htmx:
            return redirect(reverse("territoire:pst-node", args=[mission.pk, node.pk]) + "#node-tags")
        if request.GET.get("fermer"):
            return render(request, "territoire/pst_tree_tags.html#control", context)
        form = _tag_form(list(node.tags.all()), auto_id=f"tag-{node.pk}-%s")
        return render(request, "territoire/pst_tree_tags.html#editor", {**context, "tag_form": form})
    form = TagForm(request.POST, auto_id=f"tag-{node.pk}-%s")
    if not form.is_valid():
        if request.htmx:
            return render(request, "territoire/pst_tree_tags.html#editor", {**context, "tag_form": form})
        messages.error(request, _("Ces thèmes n'existent pas."))
        return redirect("territoire:pst-detail", mission.pk, node.pst_id)
    services.pst_node_set_tags(
        node=node, themes=form.cleaned_data["themes"], dimensions=form.cleaned_data["dimensions"], by=request.user
    )
    if not request.htmx:
        messages.success(request, _("Les thèmes sont enregistrés."))
        return redirect("territoire:pst-detail", mission.pk, node.pst_id)
    return render(
        request,
        "territoire/pst_tree_tags.html#saved",
        {**context, "tags": list(node.tags.all())},
    )


EXPORT_KINDS = {"csv": ExportKind.PST_CSV, "xlsx": ExportKind.PST_XLSX, "xml": ExportKind.PST_XML}


@require_POST
def pst_export(request, mission_id, pst_id, file_format):
    """Ask for the export; the worker builds it and the job's page offers the file."""
    mission = access.load_mission(request.user, mission_id)
    pst = _load_pst(request, mission, pst_id)
    job = exports.export_job_request(
        commune=mission.commune,
        mission=mission,
        kind=EXPORT_KINDS[file_format],
        params={"pst": pst.pk},
        by=request.user,
    )
    return redirect("territoire:export-job", job.pk)
