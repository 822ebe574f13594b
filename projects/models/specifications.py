"""The specifications (cahier spécial des charges, CSC) of a followed project.

A CSC has one section of each kind, in the fixed order of :class:`SectionKind`; the functional and technical
sections carry numbered requirements with a priority, the lots section its lots, the award section its criteria.
Criteria weights sum to 100 (checked by the form that edits them and before the CSC is final); the price
criterion keeps the formula that scores the offers (``projects.models.procurement`` and the award report).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territoire.models import TenantQuerySet, TimeStampedModel


class SpecStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    FINAL = "final", _("Définitif")


class SectionKind(models.TextChoices):
    """The sections of a CSC, in the order of the document."""

    OBJECT = "object", _("Objet du marché")
    CONTEXT = "context", _("Contexte")
    NEEDS = "needs", _("Besoins")
    FUNCTIONAL = "functional", _("Exigences fonctionnelles")
    TECHNICAL = "technical", _("Exigences techniques et d’interopérabilité")
    LOTS = "lots", _("Lots")
    DURATION = "duration", _("Durée du marché")
    SELECTION = "selection", _("Critères de sélection")
    AWARD = "award", _("Critères d’attribution")
    ADMINISTRATIVE = "administrative", _("Clauses administratives")


SECTION_ORDER = {kind: position for position, kind in enumerate(SectionKind.values)}
REQUIREMENT_SECTIONS = (SectionKind.FUNCTIONAL, SectionKind.TECHNICAL)


class Priority(models.TextChoices):
    MUST = "must", _("Obligatoire")
    SHOULD = "should", _("Souhaitable")
    COULD = "could", _("Optionnelle")


class CriterionKind(models.TextChoices):
    PRICE = "price", _("Prix")
    QUALITY = "quality", _("Qualité")


class PriceFormula(models.TextChoices):
    """How the price criterion turns an offer's price into points (``price_points``)."""

    PROPORTIONAL = "proportional", _("points × prix le plus bas / prix de l’offre")
    LINEAR = "linear", _("points × (1 − (prix de l’offre − prix le plus bas) / prix le plus bas), au minimum 0")


def price_points(formula: str, *, points: Decimal, lowest: Decimal, price: Decimal) -> Decimal:
    """The points an offer of ``price`` earns on a price criterion worth ``points`` when the lowest price of
    the offers compared is ``lowest``."""
    if price <= 0:
        return Decimal(points)
    if formula == PriceFormula.LINEAR:
        return max(Decimal(0), points * (1 - (price - lowest) / lowest))
    return points * lowest / price


class SpecificationQuerySet(TenantQuerySet):
    commune_lookup = "project__mission__commune"


class Specification(TimeStampedModel):
    project = models.ForeignKey(
        "projects.FollowedProject",
        on_delete=models.CASCADE,
        related_name="specifications",
        verbose_name=_("projet suivi"),
    )
    title = models.CharField(_("intitulé"), max_length=200)
    status = models.CharField(_("statut"), max_length=10, choices=SpecStatus.choices, default=SpecStatus.DRAFT)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rédigé par"),
    )

    objects = SpecificationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "pk"]
        verbose_name = _("cahier spécial des charges")
        verbose_name_plural = _("cahiers spéciaux des charges")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SpecStatus.values), name="specification_status_valid"),
        ]

    def __str__(self):
        return self.title


class SpecChildQuerySet(TenantQuerySet):
    commune_lookup = "specification__project__mission__commune"


class SpecSection(models.Model):
    specification = models.ForeignKey(
        Specification, on_delete=models.CASCADE, related_name="sections", verbose_name=_("cahier des charges")
    )
    kind = models.CharField(_("section"), max_length=20, choices=SectionKind.choices)
    body = models.TextField(_("texte"), blank=True)

    objects = SpecChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("section du cahier des charges")
        verbose_name_plural = _("sections du cahier des charges")
        constraints = [
            models.UniqueConstraint(fields=["specification", "kind"], name="specsection_one_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=SectionKind.values), name="specsection_kind_valid"),
        ]

    def __str__(self):
        return self.get_kind_display()

    @property
    def position(self) -> int:
        return SECTION_ORDER[self.kind]

    @property
    def paragraphs(self) -> list[str]:
        """The body split at blank lines: what every renderer prints as paragraphs."""
        return [block.strip() for block in self.body.replace("\r\n", "\n").split("\n\n") if block.strip()]


class Requirement(models.Model):
    specification = models.ForeignKey(
        Specification, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("cahier des charges")
    )
    section = models.CharField(
        _("section"),
        max_length=20,
        choices=[(kind.value, kind.label) for kind in REQUIREMENT_SECTIONS],
        default=SectionKind.FUNCTIONAL,
    )
    text = models.TextField(_("exigence"))
    priority = models.CharField(_("priorité"), max_length=10, choices=Priority.choices, default=Priority.MUST)
    position = models.PositiveIntegerField(_("position"), default=0)

    objects = SpecChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "position", "pk"]
        verbose_name = _("exigence")
        verbose_name_plural = _("exigences")
        constraints = [
            models.CheckConstraint(condition=Q(priority__in=Priority.values), name="requirement_priority_valid"),
            models.CheckConstraint(
                condition=Q(section__in=[kind.value for kind in REQUIREMENT_SECTIONS]),
                name="requirement_section_valid",
            ),
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def prefix(self) -> str:
        """« EF » (exigence fonctionnelle) or « ET » (technique): the requirement's number reads « EF-03 »."""
        return "EF" if self.section == SectionKind.FUNCTIONAL else "ET"


class Lot(models.Model):
    specification = models.ForeignKey(
        Specification, on_delete=models.CASCADE, related_name="lots", verbose_name=_("cahier des charges")
    )
    number = models.PositiveSmallIntegerField(_("numéro"), validators=[MinValueValidator(1)])
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    estimated_amount = models.DecimalField(
        _("montant estimé HTVA (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )

    objects = SpecChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints = [
            models.UniqueConstraint(fields=["specification", "number"], name="lot_number_unique_in_specification"),
            models.CheckConstraint(condition=Q(estimated_amount__gte=0), name="lot_amount_not_negative"),
        ]

    def __str__(self):
        return _("Lot %(number)s : %(title)s") % {"number": self.number, "title": self.title}


DEFAULT_PRICE_FORMULA = PriceFormula.PROPORTIONAL


class AwardCriterion(models.Model):
    specification = models.ForeignKey(
        Specification, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("cahier des charges")
    )
    label = models.CharField(_("critère"), max_length=200)
    kind = models.CharField(_("nature"), max_length=10, choices=CriterionKind.choices, default=CriterionKind.QUALITY)
    # The weight is also the criterion's points: the offers' totals are out of 100.
    weight = models.DecimalField(
        _("pondération (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)],
    )
    price_formula = models.CharField(
        _("formule de prix"), max_length=20, choices=PriceFormula.choices, default=DEFAULT_PRICE_FORMULA
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = SpecChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("critère d’attribution")
        verbose_name_plural = _("critères d’attribution")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CriterionKind.values), name="awardcriterion_kind_valid"),
            models.CheckConstraint(condition=Q(weight__gt=0, weight__lte=100), name="awardcriterion_weight_range"),
        ]

    def __str__(self):
        return self.label

    @property
    def max_points(self) -> Decimal:
        """The weight without trailing zeros (40, 12.5): the points an offer can earn on the criterion."""
        return (
            self.weight.quantize(Decimal(1)) if self.weight == self.weight.to_integral() else self.weight.normalize()
        )
