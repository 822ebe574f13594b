"""Writes of the inventory of digital systems and of the existing initiatives."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from diagnostics.forms.inventory import SELF_FLOW_ERROR, SystemForm, duplicate_name_error
from diagnostics.models import DataFlow, DigitalSystem, Initiative, PlannedNeed

SYSTEM_FIELDS = tuple(SystemForm.Meta.fields)
FLOW_FIELDS = ("source", "target", "external_party", "data", "mode", "frequency")
INITIATIVE_FIELDS = ("title", "kind", "theme", "description", "service", "year", "status")


def system_create(*, commune, **fields) -> DigitalSystem:
    try:
        with transaction.atomic():
            return DigitalSystem.objects.create(commune=commune, **fields)
    except IntegrityError as error:  # two people adding the same tool at once
        raise ValidationError(duplicate_name_error(fields.get("name", ""))) from error


def system_update(*, system: DigitalSystem, **fields) -> DigitalSystem:
    for name, value in fields.items():
        setattr(system, name, value)
    try:
        with transaction.atomic():
            system.save(update_fields=[*fields, "updated_at"])
    except IntegrityError as error:
        raise ValidationError(duplicate_name_error(system.name)) from error
    return system


def system_delete(*, system: DigitalSystem) -> None:
    system.delete()  # its flows go with it


def _check_flow(commune, source, target):
    for system in (source, target):
        if system is not None and system.commune_id != commune.pk:
            raise ValidationError("system of another commune")
    if source is not None and source == target:
        raise ValidationError(SELF_FLOW_ERROR)


def flow_create(*, commune, **fields) -> DataFlow:
    _check_flow(commune, fields.get("source"), fields.get("target"))
    return DataFlow.objects.create(commune=commune, **fields)


def flow_update(*, flow: DataFlow, **fields) -> DataFlow:
    _check_flow(flow.commune, fields.get("source", flow.source), fields.get("target", flow.target))
    for name, value in fields.items():
        setattr(flow, name, value)
    flow.save(update_fields=[*fields, "updated_at"])
    return flow


def flow_delete(*, flow: DataFlow) -> None:
    flow.delete()


@transaction.atomic
def needs_set(*, commune, needs: list[str]) -> None:
    PlannedNeed.objects.for_commune(commune).exclude(need__in=needs).delete()
    existing = set(PlannedNeed.objects.for_commune(commune).values_list("need", flat=True))
    PlannedNeed.objects.bulk_create([PlannedNeed(commune=commune, need=n) for n in needs if n not in existing])


def initiative_create(*, commune, **fields) -> Initiative:
    return Initiative.objects.create(commune=commune, **fields)


def initiative_update(*, initiative: Initiative, **fields) -> Initiative:
    for name, value in fields.items():
        setattr(initiative, name, value)
    initiative.save(update_fields=[*fields, "updated_at"])
    return initiative


def initiative_delete(*, initiative: Initiative) -> None:
    initiative.delete()
