"""Writes on findings: create, edit, cite sources, link PST objectives, merge duplicates.

Every function checks that what it links belongs to the finding's commune, whatever the form said:
a source or a PST objective of another commune raises ``ValidationError`` with a French message.
Every write takes its author (``by``), kept in the history of findings and of their sources.
"""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from diagnostics.models import ChallengeCard, Finding, FindingSource, Interview, Question, SourceKind
from diagnostics.selectors.inventory import find_alert
from territoire import access
from territoire.models import NodeLevel, PSTNode

FINDING_FIELDS = ("statement", "description", "theme", "dimension", "importance")

logger = logging.getLogger(__name__)

SOURCE_MODELS = {
    SourceKind.QUESTION: Question,
    SourceKind.INTERVIEW: Interview,
    SourceKind.CARD: ChallengeCard,
    SourceKind.PST_NODE: PSTNode,
}


@dataclass(frozen=True)
class SourceRef:
    """What a finding cites: a kind and either an object (question, interview, card, PST node) or an alert key."""

    kind: str
    obj: object = None
    key: str = ""
    message: str = ""


def check_source(mission, ref: SourceRef) -> SourceRef:
    """The source, verified to belong to the mission's commune (and completed with the alert's message)."""
    if ref.kind == SourceKind.ALERT:
        alert = find_alert(mission.commune, ref.key) if ref.key else None
        if alert is None and not ref.message:
            raise ValidationError(_("Cette alerte n'existe pas (ou plus) dans l'inventaire de la commune."))
        return SourceRef(ref.kind, key=ref.key, message=alert.message if alert else ref.message)
    model = SOURCE_MODELS.get(ref.kind)
    if model is None or not isinstance(ref.obj, model):
        raise ValidationError(_("Source de constat inconnue."))
    if access.commune_id_of(ref.obj) != mission.commune_id:
        raise ValidationError(
            _("« %(source)s » appartient à une autre commune : un constat ne cite que des sources de sa commune.")
            % {"source": ref.obj}
        )
    if ref.kind != SourceKind.PST_NODE and _mission_id(ref) != mission.pk:
        raise ValidationError(_("« %(source)s » appartient à une autre mission.") % {"source": ref.obj})
    return ref


def _mission_id(ref: SourceRef):
    if ref.kind == SourceKind.QUESTION:
        return ref.obj.questionnaire.mission_id
    if ref.kind == SourceKind.CARD:
        return ref.obj.workshop.mission_id
    return ref.obj.mission_id


def check_objectives(mission, objectives) -> list[PSTNode]:
    objectives = list(objectives)
    for node in objectives:
        if node.pst.commune_id != mission.commune_id:
            raise ValidationError(
                _(
                    "L'objectif « %(node)s » est dans le PST d'une autre commune : "
                    "il ne peut pas être lié à ce constat."
                )
                % {"node": node}
            )
        if node.level not in (NodeLevel.OS, NodeLevel.OO):
            raise ValidationError(
                _("« %(node)s » n'est pas un objectif stratégique ou opérationnel.") % {"node": node}
            )
    return objectives


def _add_source(finding, ref: SourceRef, by) -> FindingSource | None:
    """Adds the (checked) source unless the finding already cites it."""
    if ref.kind == SourceKind.ALERT:
        values = {"alert_key": ref.key, "alert_message": ref.message}
        existing = finding.sources.filter(kind=ref.kind, alert_key=ref.key)
    else:
        field = {SourceKind.PST_NODE: "pst_node"}.get(ref.kind, ref.kind)
        values = {field: ref.obj}
        existing = finding.sources.filter(kind=ref.kind, **values)
    if existing.exists():
        return None
    source = FindingSource(finding=finding, kind=ref.kind, **values)
    source._history_user = by
    source.save()
    return source


@transaction.atomic
def finding_create(
    *, mission, by, statement, description="", theme="", dimension="", importance=2, sources=(), objectives=()
) -> Finding:
    refs = [check_source(mission, ref) for ref in sources]
    objectives = check_objectives(mission, objectives)
    author = by if by and by.is_authenticated else None
    finding = Finding(
        mission=mission,
        statement=statement,
        description=description,
        theme=theme,
        dimension=dimension,
        importance=importance,
        created_by=author,
    )
    finding._history_user = author
    finding.save()
    for ref in refs:
        _add_source(finding, ref, author)
    finding.objectives.set(objectives)
    logger.info(
        "finding_created finding=%s mission=%s sources=%s by=%s",
        finding.pk,
        mission.pk,
        len(refs),
        author.pk if author else "-",
    )
    return finding


@transaction.atomic
def finding_update(*, finding, by, objectives=None, **fields) -> Finding:
    unknown = set(fields) - set(FINDING_FIELDS)
    if unknown:
        raise TypeError(f"unknown finding fields: {sorted(unknown)}")
    finding._history_user = by
    if objectives is not None:
        finding.objectives.set(check_objectives(finding.mission, objectives))
    for name, value in fields.items():
        setattr(finding, name, value)
    finding.save(update_fields=[*fields, "updated_at"])
    logger.info("finding_updated finding=%s by=%s", finding.pk, by.pk)
    return finding


@transaction.atomic
def finding_add_source(*, finding, source: SourceRef, by) -> FindingSource | None:
    if finding.is_merged:
        raise ValidationError(_("Ce constat a été fusionné : ajoutez la source au constat qui l'a absorbé."))
    added = _add_source(finding, check_source(finding.mission, source), by)
    logger.info(
        "finding_source_added finding=%s source=%s kind=%s by=%s",
        finding.pk,
        added.pk if added else "-",
        source.kind,
        by.pk,
    )
    return added


def citation_refusal(sources, subject) -> str:
    """Why ``subject`` cannot be deleted: the findings citing it (``sources``, a FindingSource
    queryset), named in French; empty when nothing cites it.

    A cited question, interview or card is never deleted behind a finding's back (the foreign keys
    are RESTRICT): the consultant removes the source from those findings first, knowingly.
    """
    statements = list(
        Finding.objects.filter(sources__in=sources).distinct().order_by("pk").values_list("statement", flat=True)[:11]
    )
    if not statements:
        return ""
    named = ", ".join(f"« {s} »" for s in statements[:10]) + (" …" if len(statements) > 10 else "")
    return ngettext(
        "« %(subject)s » est cité par le constat %(findings)s : retirez-le des sources de ce constat avant de "
        "le supprimer.",
        "« %(subject)s » est cité par les constats %(findings)s : retirez-le des sources de ces constats avant de "
        "le supprimer.",
        len(statements),
    ) % {"subject": subject, "findings": named}


def finding_remove_source(*, source: FindingSource, by) -> None:
    source_id, finding_id = source.pk, source.finding_id
    source._history_user = by
    source.delete()
    logger.info("finding_source_removed finding=%s source=%s by=%s", finding_id, source_id, by.pk)


def existing_for_card(mission, card) -> Finding | None:
    """The open finding already citing this card (or the one it was merged into)."""
    return (
        Finding.objects.open().filter(mission=mission, sources__card=card).order_by("pk").first()
        or Finding.objects.open().filter(mission=mission, merged_findings__sources__card=card).order_by("pk").first()
    )


@transaction.atomic
def finding_from_card(*, mission, card, by) -> tuple[Finding, bool]:
    """One finding per workshop card, never two: returns (finding, created)."""
    check_source(mission, SourceRef(SourceKind.CARD, card))
    found = existing_for_card(mission, card)
    if found:
        return found, False
    finding = finding_create(
        mission=mission,
        by=by,
        statement=card.text[:300],
        theme=card.theme,
        importance=3 if card.rank and card.rank <= 3 else 2,
        sources=[SourceRef(SourceKind.CARD, card)],
    )
    return finding, True


@transaction.atomic
def findings_from_workshop(*, workshop, by) -> tuple[int, int]:
    """A finding for each selected challenge of the workshop (its top-N): (created, already there)."""
    created = kept = 0
    for card in ChallengeCard.objects.filter(workshop=workshop).selected():
        _finding, new = finding_from_card(mission=workshop.mission, card=card, by=by)
        created += new
        kept += not new
    return created, kept


@dataclass
class MergePlan:
    """What merging ``others`` into ``keep`` does, shown before it is done and then done exactly so.

    ``moving`` and ``dropped`` map each merged finding to its sources that move to the kept one and to
    those the kept one already cites (left behind, never duplicated); ``objectives`` are the PST
    objectives the kept finding gains; ``sheets`` the project sheets that answered one of the others
    and now answer the kept finding (by code); ``importance`` is the kept finding's importance afterwards.
    """

    keep: Finding
    others: list[Finding]
    moving: dict[int, list[FindingSource]]
    dropped: dict[int, list[FindingSource]]
    objectives: list[PSTNode]
    sheets: list
    importance: int


def merge_plan(*, findings, keep) -> MergePlan:
    """Check the selection and say what merging it into ``keep`` moves (the same rules as ``finding_merge``)."""
    findings = list(findings)
    if keep.pk not in {f.pk for f in findings}:
        raise ValidationError(_("Le constat à garder doit faire partie de la sélection."))
    if len(findings) < 2:
        raise ValidationError(_("Choisissez au moins deux constats à fusionner."))
    if {f.mission_id for f in findings} != {keep.mission_id}:
        raise ValidationError(_("On ne fusionne que des constats de la même mission."))
    if any(f.is_merged for f in findings):
        raise ValidationError(_("Un des constats choisis a déjà été fusionné."))
    keep = next(f for f in findings if f.pk == keep.pk)
    others = [f for f in findings if f.pk != keep.pk]
    sources = FindingSource.objects.filter(finding__in=findings).order_by("pk")
    cited = {s.identity for s in sources if s.finding_id == keep.pk}
    moving, dropped = {f.pk: [] for f in others}, {f.pk: [] for f in others}
    for source in sources:
        if source.finding_id == keep.pk:
            continue
        (dropped if source.identity in cited else moving)[source.finding_id].append(source)
        cited.add(source.identity)
    kept_objectives = set(keep.objectives.values_list("pk", flat=True))
    objectives = [
        node
        for node in PSTNode.objects.filter(findings__in=others).distinct().order_by("pst", "position")
        if node.pk not in kept_objectives
    ]
    # Through the reverse accessor: diagnostics never imports roadmap (the sheets build on the findings).
    sheets = list(
        keep.project_sheets.model.objects.filter(findings__in=others)
        .exclude(findings=keep)
        .distinct()
        .order_by("code")
    )
    return MergePlan(
        keep=keep,
        others=others,
        moving=moving,
        dropped=dropped,
        objectives=objectives,
        sheets=sheets,
        importance=max(f.importance for f in findings),
    )


@transaction.atomic
def finding_merge(*, findings, keep, by) -> Finding:
    """Merge ``findings`` into ``keep``: sources, PST links and project sheets move to it, the others
    are marked merged.

    Nothing is deleted; a source the kept finding already cites is dropped from the merged one only
    (the unique constraints forbid the duplicate), so every citation survives once. A sheet that
    answered a merged finding answers the kept one instead (once, even if it answered both): a sheet
    never cites a finding the list no longer shows. The sheets' links to findings have no history
    (``ProjectSheet.history`` tracks no m2m field); the log line names the sheets moved and who moved them.
    """
    locked = Finding.objects.select_for_update().filter(pk__in=[f.pk for f in findings]).order_by("pk")
    plan = merge_plan(findings=locked, keep=keep)
    keep, others = plan.keep, plan.others
    keep._history_user = by
    for moving in plan.moving.values():
        for source in moving:
            source.finding = keep
            source._history_user = by
            source.save(update_fields=["finding"])
    keep.objectives.add(*plan.objectives)
    for other in others:
        other.objectives.clear()
    keep.project_sheets.add(*plan.sheets)
    keep.project_sheets.through.objects.filter(finding__in=others).delete()
    keep.importance = plan.importance
    keep.save(update_fields=["importance", "updated_at"])
    for other in others:
        other._history_user = by
        other.status = Finding.Status.MERGED
        other.merged_into = keep
        other.save(update_fields=["status", "merged_into", "updated_at"])
    # Findings that had been merged into one of the others now point at the kept one.
    Finding.objects.filter(merged_into__in=others).update(merged_into=keep)
    logger.info(
        "findings_merged keep=%s merged=%s sheets=%s by=%s",
        keep.pk,
        ",".join(str(f.pk) for f in others),
        ",".join(str(s.pk) for s in plan.sheets) or "-",
        getattr(by, "pk", "-"),
    )
    return keep
