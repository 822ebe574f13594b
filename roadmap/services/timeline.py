"""Writes of the timeline: its settings, the yearly budget envelopes and the consultant's pins.

Every function takes its author (``by``), kept in the history, and logs ``key=value``. A year or a pin
outside the horizon and a negative envelope are refused with a French ``ValidationError`` keyed by field,
so that the form shows it beside the field and nothing is saved.
"""

import logging
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roadmap.models import BudgetEnvelope, ProjectSheet, SheetPin, TimelineSettings
from roadmap.ranking.quarters import Quarter, quarters_for_months

logger = logging.getLogger(__name__)


def default_start(today: date | None = None) -> Quarter:
    """The quarter after the current one: a roadmap plans what comes next."""
    today = today or timezone.localdate()
    return Quarter(today.year, (today.month - 1) // 3 + 1) + 1


def timeline_settings_of(mission) -> TimelineSettings:
    """The mission's settings, or unsaved defaults (a page that reads them writes nothing)."""
    found = TimelineSettings.objects.filter(mission=mission).first()
    if found is not None:
        return found
    start = default_start()
    return TimelineSettings(mission=mission, start_year=start.year, start_quarter=start.quarter)


def horizon(settings: TimelineSettings) -> tuple[Quarter, Quarter]:
    return Quarter(settings.start_year, settings.start_quarter), Quarter(settings.last_year, 4)


def horizon_text(settings: TimelineSettings) -> str:
    first, last = horizon(settings)
    return _("%(first)s – %(last)s") % {"first": first, "last": last}


@transaction.atomic
def timeline_settings_update(
    *, mission, by, start_year: int, start_quarter: int, years: int, fte_capacity: Decimal | None
) -> TimelineSettings:
    settings, _created = TimelineSettings.objects.select_for_update().get_or_create(
        mission=mission, defaults={"start_year": start_year}
    )
    settings.start_year, settings.start_quarter, settings.years = start_year, start_quarter, years
    settings.fte_capacity = fte_capacity
    settings.full_clean(exclude=["mission"])
    settings._history_user = by
    settings.save(update_fields=["start_year", "start_quarter", "years", "fte_capacity", "updated_at"])
    logger.info(
        "timeline_settings_updated mission=%s start=%s-Q%s years=%s fte_capacity=%s by=%s",
        mission.pk,
        start_year,
        start_quarter,
        years,
        fte_capacity,
        by.pk,
    )
    return settings


@transaction.atomic
def envelope_set(*, mission, by, year: int, amount: Decimal | None) -> BudgetEnvelope | None:
    """Set the envelope of ``year`` (None removes it: no limit that year)."""
    settings = timeline_settings_of(mission)
    if not settings.start_year <= year <= settings.last_year:
        raise ValidationError(
            {
                "year": _("L'année %(year)s est hors de l'horizon du planning (%(first)s à %(last)s).")
                % {"year": year, "first": settings.start_year, "last": settings.last_year}
            }
        )
    if amount is not None and amount < 0:
        raise ValidationError({"amount": _("Une enveloppe ne peut pas être négative.")})
    existing = BudgetEnvelope.objects.select_for_update().filter(mission=mission, year=year).first()
    if amount is None:
        if existing is not None:
            existing._history_user = by
            existing.delete()
        logger.info("budget_envelope_removed mission=%s year=%s by=%s", mission.pk, year, by.pk)
        return None
    envelope = existing or BudgetEnvelope(mission=mission, year=year)
    envelope.amount = amount
    envelope._history_user = by
    if existing is None and not _created(envelope):
        # Created meanwhile in another tab: this request's amount wins.
        envelope = BudgetEnvelope.objects.select_for_update().get(mission=mission, year=year)
        envelope.amount, envelope._history_user = amount, by
        existing = envelope
    if existing is not None:
        envelope.save(update_fields=["amount", "updated_at"])
    logger.info("budget_envelope_set mission=%s year=%s amount=%s by=%s", mission.pk, year, amount, by.pk)
    return envelope


def _created(instance) -> bool:
    """Insert ``instance``; False when a concurrent request inserted the same unique row first."""
    try:
        with transaction.atomic():
            instance.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def check_pin(settings: TimelineSettings, sheet: ProjectSheet, start: Quarter) -> None:
    first, last = horizon(settings)
    if start < first or start > last:
        raise ValidationError(
            {
                "start_year": _("Ce trimestre (%(start)s) est hors de l'horizon du planning (%(horizon)s).")
                % {"start": start, "horizon": horizon_text(settings)}
            }
        )
    end = start + (quarters_for_months(sheet.duration_months or 3) - 1)
    if end > last:
        raise ValidationError(
            {
                "start_year": _(
                    "Commencée au %(start)s, la fiche finirait au %(end)s, après la fin du planning (%(last)s)."
                )
                % {"start": start, "end": end, "last": last}
            }
        )


@transaction.atomic
def sheet_pin(*, sheet: ProjectSheet, by, start_year: int, start_quarter: int) -> SheetPin:
    """Fix the sheet's start quarter; the timeline places the other sheets around it."""
    start = Quarter(start_year, start_quarter)
    check_pin(timeline_settings_of(sheet.mission), sheet, start)
    pin = SheetPin.objects.select_for_update().filter(sheet=sheet).first()
    if pin is None:
        pin = SheetPin(sheet=sheet, start_year=start_year, start_quarter=start_quarter, by=by)
        pin._history_user = by
        if _created(pin):
            logger.info("sheet_pinned sheet=%s start=%s-Q%s by=%s", sheet.pk, start_year, start_quarter, by.pk)
            return pin
        pin = SheetPin.objects.select_for_update().get(sheet=sheet)  # pinned meanwhile in another tab
    pin.start_year, pin.start_quarter, pin.by = start_year, start_quarter, by
    pin._history_user = by
    pin.save(update_fields=["start_year", "start_quarter", "by", "updated_at"])
    logger.info("sheet_pinned sheet=%s start=%s-Q%s by=%s", sheet.pk, start_year, start_quarter, by.pk)
    return pin


@transaction.atomic
def sheet_unpin(*, sheet: ProjectSheet, by) -> None:
    pin = SheetPin.objects.select_for_update().filter(sheet=sheet).first()
    if pin is not None:
        pin._history_user = by
        pin.delete()
    logger.info("sheet_unpinned sheet=%s by=%s", sheet.pk, by.pk)
