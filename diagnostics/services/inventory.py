"""Writes of the inventory of digital systems and of the existing initiatives.

Every write takes its author (``by``): systems and flows keep their history (django-simple-history) with
that author, whoever calls the service (a view, a task, the demo).
"""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from diagnostics.forms.inventory import SELF_FLOW_ERROR, SystemForm, duplicate_name_error
from diagnostics.models import DataFlow, DigitalSystem, Initiative, PlannedNeed

logger = logging.getLogger(__name__)

SYSTEM_FIELDS = tuple(SystemForm.Meta.fields)
FLOW_FIELDS = ("source", "target", "external_party", "data", "mode", "frequency")
INITIATIVE_FIELDS = ("title", "kind", "theme", "description", "service", "year", "status")


def system_create(*, commune, by, **fields) -> DigitalSystem:
    system = DigitalSystem(commune=commune, **fields)
    system._history_user = by
    try:
        with transaction.atomic():
            system.save()
    except IntegrityError as error:  # two people adding the same tool at once
        raise ValidationError(duplicate_name_error(fields.get("name", ""))) from error
    logger.info("system_created system=%s commune=%s by=%s", system.pk, commune.pk, by.pk)
    return system


def system_update(*, system: DigitalSystem, by, **fields) -> DigitalSystem:
    for name, value in fields.items():
        setattr(system, name, value)
    system._history_user = by
    try:
        with transaction.atomic():
            system.save(update_fields=[*fields, "updated_at"])
    except IntegrityError as error:
        raise ValidationError(duplicate_name_error(system.name)) from error
    logger.info("system_updated system=%s by=%s", system.pk, by.pk)
    return system


@transaction.atomic
def system_delete(*, system: DigitalSystem, by) -> None:
    system_id = system.pk
    for flow in DataFlow.objects.filter(Q(source=system) | Q(target=system)):  # its flows go with it
        flow._history_user = by
        flow.delete()
    system._history_user = by
    system.delete()
    logger.info("system_deleted system=%s by=%s", system_id, by.pk)


def _check_flow(commune, source, target):
    for system in (source, target):
        if system is not None and system.commune_id != commune.pk:
            raise ValidationError("system of another commune")
    if source is not None and source == target:
        raise ValidationError(SELF_FLOW_ERROR)


def flow_create(*, commune, by, **fields) -> DataFlow:
    _check_flow(commune, fields.get("source"), fields.get("target"))
    flow = DataFlow(commune=commune, **fields)
    flow._history_user = by
    flow.save()
    logger.info("flow_created flow=%s commune=%s by=%s", flow.pk, commune.pk, by.pk)
    return flow


def flow_update(*, flow: DataFlow, by, **fields) -> DataFlow:
    _check_flow(flow.commune, fields.get("source", flow.source), fields.get("target", flow.target))
    for name, value in fields.items():
        setattr(flow, name, value)
    flow._history_user = by
    flow.save(update_fields=[*fields, "updated_at"])
    logger.info("flow_updated flow=%s by=%s", flow.pk, by.pk)
    return flow


def flow_delete(*, flow: DataFlow, by) -> None:
    flow_id = flow.pk
    flow._history_user = by
    flow.delete()
    logger.info("flow_deleted flow=%s by=%s", flow_id, by.pk)


@transaction.atomic
def needs_set(*, commune, needs: list[str], by) -> None:
    PlannedNeed.objects.for_commune(commune).exclude(need__in=needs).delete()
    existing = set(PlannedNeed.objects.for_commune(commune).values_list("need", flat=True))
    PlannedNeed.objects.bulk_create([PlannedNeed(commune=commune, need=n) for n in needs if n not in existing])
    logger.info("needs_set commune=%s needs=%s by=%s", commune.pk, ",".join(needs) or "-", by.pk)


def initiative_create(*, commune, by, **fields) -> Initiative:
    initiative = Initiative.objects.create(commune=commune, **fields)
    logger.info("initiative_created initiative=%s commune=%s by=%s", initiative.pk, commune.pk, by.pk)
    return initiative


def initiative_update(*, initiative: Initiative, by, **fields) -> Initiative:
    for name, value in fields.items():
        setattr(initiative, name, value)
    initiative.save(update_fields=[*fields, "updated_at"])
    logger.info("initiative_updated initiative=%s by=%s", initiative.pk, by.pk)
    return initiative


def initiative_delete(*, initiative: Initiative, by) -> None:
    initiative_id = initiative.pk
    initiative.delete()
    logger.info("initiative_deleted initiative=%s by=%s", initiative_id, by.pk)
