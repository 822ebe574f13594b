import logging
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from territoire.models import Commune, Mission

logger = logging.getLogger(__name__)


@transaction.atomic
def mission_create(
    *,
    commune: Commune,
    title: str,
    by: AbstractBaseUser,
    description: str = "",
    start_date: date,
    planned_end_date: date,
    referents=(),
) -> Mission:
    mission = Mission.objects.create(
        commune=commune,
        title=title,
        description=description,
        start_date=start_date,
        planned_end_date=planned_end_date,
    )
    mission.referents.set(referents or [by])
    logger.info("mission_created mission=%s commune=%s by=%s", mission.pk, commune.pk, by.pk)
    return mission


@transaction.atomic
def mission_update(*, mission: Mission, by: AbstractBaseUser, referents=None, **fields) -> Mission:
    for name, value in fields.items():
        setattr(mission, name, value)
    mission.save(update_fields=[*fields, "updated_at"])
    if referents is not None:
        mission.referents.set(referents)
    logger.info("mission_updated mission=%s by=%s fields=%s", mission.pk, by.pk, ",".join(fields))
    return mission


def mission_set_phase(*, mission: Mission, phase: str, by: AbstractBaseUser) -> Mission:
    previous = mission.phase
    if previous == phase:
        return mission
    mission.phase = phase
    mission.save(update_fields=["phase", "updated_at"])
    logger.info("mission_phase_changed mission=%s from=%s to=%s by=%s", mission.pk, previous, phase, by.pk)
    return mission


def platform_selfcheck() -> dict:
    """Count communes and render a one-page PDF: what a worker needs to do its real jobs."""
    from weasyprint import HTML

    from territoire.models import Commune

    pdf = HTML(string="<h1>Territoire</h1><p>Vérification du moteur PDF.</p>").write_pdf()
    return {"communes": Commune.objects.count(), "pdf_bytes": len(pdf), "pdf_magic": pdf[:5].decode("ascii")}
