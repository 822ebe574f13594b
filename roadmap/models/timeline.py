"""The timeline's settings per mission: horizon, internal FTE capacity, yearly budget envelopes, and the
consultant's pins (a sheet fixed to a start quarter; the others reflow around it).

The schedule itself is never stored: ``roadmap.selectors.timeline`` computes it from these rows, the sheets
and the ranking each time the page is read.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territoire.models import TenantQuerySet, TimeStampedModel

MAX_YEARS = 10


class TimelineSettingsQuerySet(TenantQuerySet):
    commune_lookup = "mission__commune"


class TimelineSettings(TimeStampedModel):
    mission = models.OneToOneField(
        "territoire.Mission", on_delete=models.CASCADE, related_name="timeline_settings", verbose_name=_("mission")
    )
    start_year = models.PositiveSmallIntegerField(
        _("année de début"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    start_quarter = models.PositiveSmallIntegerField(
        _("trimestre de début"), default=1, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    years = models.PositiveSmallIntegerField(
        _("nombre d'années"), default=4, validators=[MinValueValidator(1), MaxValueValidator(MAX_YEARS)]
    )
    fte_capacity = models.DecimalField(
        _("capacité interne (ETP)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("ETP internes que la commune peut consacrer aux projets ; vide : pas de limite."),
    )

    objects = TimelineSettingsQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("réglages du planning")
        verbose_name_plural = _("réglages du planning")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_quarter__gte=1, start_quarter__lte=4), name="timelinesettings_quarter_valid"
            ),
            models.CheckConstraint(
                condition=Q(years__gte=1, years__lte=MAX_YEARS), name="timelinesettings_years_valid"
            ),
            models.CheckConstraint(
                condition=Q(fte_capacity__gte=0) | Q(fte_capacity__isnull=True),
                name="timelinesettings_fte_positive",
            ),
        ]

    def __str__(self):
        return f"{self.mission_id}: T{self.start_quarter} {self.start_year} + {self.years}"

    @property
    def last_year(self) -> int:
        return self.start_year + self.years - 1


class BudgetEnvelopeQuerySet(TenantQuerySet):
    commune_lookup = "mission__commune"


class BudgetEnvelope(TimeStampedModel):
    """The net cost (investment + running − subsidies) the commune can carry in one year."""

    mission = models.ForeignKey(
        "territoire.Mission", on_delete=models.CASCADE, related_name="budget_envelopes", verbose_name=_("mission")
    )
    year = models.PositiveSmallIntegerField(_("année"))
    amount = models.DecimalField(_("enveloppe (€ HTVA)"), max_digits=12, decimal_places=2)

    objects = BudgetEnvelopeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = _("enveloppe budgétaire")
        verbose_name_plural = _("enveloppes budgétaires")
        constraints = [
            models.UniqueConstraint(fields=["mission", "year"], name="budgetenvelope_unique_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budgetenvelope_amount_positive"),
        ]

    def __str__(self):
        return f"{self.mission_id}/{self.year}: {self.amount}"


class SheetPinQuerySet(TenantQuerySet):
    commune_lookup = "sheet__mission__commune"


class SheetPin(TimeStampedModel):
    """A sheet the consultant fixed to a start quarter."""

    sheet = models.OneToOneField(
        "roadmap.ProjectSheet", on_delete=models.CASCADE, related_name="pin", verbose_name=_("fiche")
    )
    start_year = models.PositiveSmallIntegerField(_("année de début"))
    start_quarter = models.PositiveSmallIntegerField(_("trimestre de début"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="roadmap_pins", verbose_name=_("fixée par")
    )

    objects = SheetPinQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("date de début fixée")
        verbose_name_plural = _("dates de début fixées")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_quarter__gte=1, start_quarter__lte=4), name="sheetpin_quarter_valid"
            ),
        ]

    def __str__(self):
        return f"{self.sheet_id}: T{self.start_quarter} {self.start_year}"
