"""Funding of a project sheet: calls for projects (data, editable in the admin) and the sheet's funding lines.

A line that names a call gets its subsidy computed from the call (rate × eligible cost, capped by the
grant ceiling): see ``FundingCall.subsidy_for`` and ``roadmap.selectors.costs``.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territoire.models import SmartTheme, TenantQuerySet

CENT = Decimal("0.01")


class FundingCall(models.Model):
    """A call for projects (Wallonie, Europe…). Shared by every commune; kept by operators in the admin."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    funder = models.CharField(_("bailleur"), max_length=200)
    rate = models.DecimalField(
        _("taux de subside (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    minimum_cost = models.DecimalField(
        _("coût minimum du projet (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    ceiling = models.DecimalField(
        _("plafond du subside (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    eligible_themes = models.JSONField(
        _("thèmes éligibles"), default=list, blank=True, help_text=_("Vide : tous les thèmes.")
    )
    eligible_bodies = models.CharField(_("bénéficiaires éligibles"), max_length=300, blank=True)
    deadline = models.DateField(_("date limite de dépôt"), null=True, blank=True)
    url = models.URLField(_("lien"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("appel à projets")
        verbose_name_plural = _("appels à projets")
        constraints = [
            models.CheckConstraint(condition=Q(rate__gte=0, rate__lte=100), name="fundingcall_rate_range"),
            models.CheckConstraint(
                condition=Q(minimum_cost__gte=0) | Q(minimum_cost__isnull=True),
                name="fundingcall_minimum_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(ceiling__gte=0) | Q(ceiling__isnull=True), name="fundingcall_ceiling_not_negative"
            ),
        ]

    def __str__(self):
        return self.name

    def uncapped_subsidy(self, eligible_cost: Decimal) -> Decimal:
        return (eligible_cost * self.rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)

    def subsidy_for(self, eligible_cost: Decimal) -> Decimal:
        """Rate × eligible cost, capped by the ceiling."""
        subsidy = self.uncapped_subsidy(eligible_cost)
        return min(subsidy, self.ceiling) if self.ceiling is not None else subsidy

    def accepts_theme(self, theme: str) -> bool:
        return not self.eligible_themes or theme in self.eligible_themes

    def theme_labels(self) -> list[str]:
        labels = dict(SmartTheme.choices)
        return [str(labels.get(theme, theme)) for theme in self.eligible_themes]


class FundingSource(models.TextChoices):
    OWN_FUNDS = "own", _("Fonds propres")
    CALL = "call", _("Appel à projets")
    OTHER_SUBSIDY = "other", _("Autre subside")


class FundingStatus(models.TextChoices):
    REQUESTED = "requested", _("Demandé")
    GRANTED = "granted", _("Accordé")
    REFUSED = "refused", _("Refusé")


class FundingLineQuerySet(TenantQuerySet):
    commune_lookup = "sheet__mission__commune"


class FundingLine(models.Model):
    sheet = models.ForeignKey(
        "roadmap.ProjectSheet", on_delete=models.CASCADE, related_name="funding_lines", verbose_name=_("fiche projet")
    )
    source = models.CharField(_("source"), max_length=10, choices=FundingSource.choices)
    call = models.ForeignKey(
        FundingCall,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_lines",
        verbose_name=_("appel à projets"),
    )
    label = models.CharField(_("précision"), max_length=200, blank=True)
    # Typed for own funds and other subsidies; for a call, empty means "what the call grants" (computed,
    # capped), and a typed amount may only be lower.
    amount = models.DecimalField(
        _("montant demandé (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=FundingStatus.choices, default=FundingStatus.REQUESTED
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = FundingLineQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("ligne de financement")
        verbose_name_plural = _("lignes de financement")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) | Q(amount__isnull=True), name="fundingline_amount_not_negative"
            ),
            models.CheckConstraint(condition=Q(source__in=FundingSource.values), name="fundingline_source_valid"),
            models.CheckConstraint(condition=Q(status__in=FundingStatus.values), name="fundingline_status_valid"),
            models.CheckConstraint(
                condition=Q(source="call", call__isnull=False) | ~Q(source="call"), name="fundingline_call_named"
            ),
        ]

    def __str__(self):
        return self.label or self.get_source_display()
