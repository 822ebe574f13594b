"""Budget lines of a project sheet: what the project costs, once (investment) or every year (running).

Amounts are typed excluding VAT; the amount including VAT is derived from the rate, never typed. The
sheet's totals (investment, yearly running cost, subsidies, net cost) are computed in one place,
``roadmap.selectors.costs``.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territoire.models import TenantQuerySet

CENT = Decimal("0.01")
DEFAULT_VAT_RATE = Decimal("21.00")


class BudgetCategory(models.TextChoices):
    DEVELOPMENT = "development", _("Développement")
    EQUIPMENT = "equipment", _("Équipement")
    SUPPORT = "support", _("Accompagnement / AMO")
    TRAINING = "training", _("Formation")
    LICENCES = "licences", _("Licences")
    COMMUNICATION = "communication", _("Communication")
    OTHER = "other", _("Autre")


class BudgetKind(models.TextChoices):
    INVESTMENT = "investment", _("Investissement")
    RUNNING = "running", _("Fonctionnement annuel")


class BudgetLineQuerySet(TenantQuerySet):
    commune_lookup = "sheet__mission__commune"


class BudgetLine(models.Model):
    sheet = models.ForeignKey(
        "roadmap.ProjectSheet", on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("fiche projet")
    )
    label = models.CharField(_("libellé"), max_length=200)
    category = models.CharField(_("catégorie"), max_length=20, choices=BudgetCategory.choices)
    kind = models.CharField(_("nature"), max_length=12, choices=BudgetKind.choices, default=BudgetKind.INVESTMENT)
    amount = models.DecimalField(
        _("montant HTVA (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    vat_rate = models.DecimalField(
        _("taux de TVA (%)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_VAT_RATE,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    year = models.PositiveSmallIntegerField(
        _("année"), null=True, blank=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = BudgetLineQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("ligne budgétaire")
        verbose_name_plural = _("lignes budgétaires")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budgetline_amount_not_negative"),
            models.CheckConstraint(condition=Q(vat_rate__gte=0, vat_rate__lte=100), name="budgetline_vat_rate_range"),
            models.CheckConstraint(condition=Q(category__in=BudgetCategory.values), name="budgetline_category_valid"),
            models.CheckConstraint(condition=Q(kind__in=BudgetKind.values), name="budgetline_kind_valid"),
        ]

    def __str__(self):
        return self.label

    @property
    def amount_incl_vat(self) -> Decimal:
        return (self.amount * (1 + self.vat_rate / 100)).quantize(CENT, rounding=ROUND_HALF_UP)
