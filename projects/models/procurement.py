"""Public procurement of a followed project: the Belgian thresholds (dated data), the procedure, its
timeline, the offers received, their evaluation and the award.

Thresholds are platform data (not a commune's): each row says up to which amount excluding VAT a procedure
may be used for a nature of contract, from a date on, where it is published and under which article. The
suggestion (``projects.services.procurement.suggest_procedure``) reads the rows in force at the planned launch.
Scores are never stored as totals: ``projects.selectors.procurement.evaluate`` recomputes them from the
prices and the evaluators' points, for the page and the award report alike.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territoire.models import TenantQuerySet, TimeStampedModel


class Nature(models.TextChoices):
    WORKS = "works", _("Travaux")
    SUPPLIES = "supplies", _("Fournitures")
    SERVICES = "services", _("Services")


class Procedure(models.TextChoices):
    """From the lightest to the heaviest: the suggestion takes the first one allowed for the amount."""

    LOW_VALUE = "low_value", _("Marché de faible montant")
    NEGOTIATED_WITHOUT_PUBLICATION = "negotiated_without", _("Procédure négociée sans publication préalable")
    NEGOTIATED_WITH_PUBLICATION = "negotiated_with", _("Procédure négociée avec publication préalable")
    OPEN = "open", _("Procédure ouverte")
    OPEN_EUROPEAN = "open_eu", _("Procédure ouverte (publicité européenne)")


PROCEDURE_RANK = {procedure: rank for rank, procedure in enumerate(Procedure.values)}


class Publication(models.TextChoices):
    NONE = "none", _("Aucune publication")
    BDA = "bda", _("Bulletin des Adjudications")
    BDA_TED = "bda_ted", _("Bulletin des Adjudications et Journal officiel de l’UE (TED)")


class ProcurementThreshold(models.Model):
    """A procedure may be used below ``amount`` (excluding VAT) for ``nature`` (every nature when blank),
    from ``valid_from`` until a later row of the same procedure and nature replaces it. No amount: no ceiling."""

    procedure = models.CharField(_("procédure"), max_length=20, choices=Procedure.choices)
    nature = models.CharField(_("nature du marché"), max_length=10, choices=Nature.choices, blank=True)
    valid_from = models.DateField(_("en vigueur à partir du"))
    amount = models.DecimalField(
        _("plafond HTVA (€, exclu)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    publication = models.CharField(_("publicité"), max_length=10, choices=Publication.choices)
    legal_article = models.CharField(_("base légale"), max_length=250)

    history = HistoricalRecords()

    class Meta:
        ordering = ["valid_from", "procedure", "nature"]
        verbose_name = _("seuil de marché public")
        verbose_name_plural = _("seuils de marchés publics")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "nature", "valid_from"], name="threshold_one_per_procedure_nature_date"
            ),
            models.CheckConstraint(condition=Q(procedure__in=Procedure.values), name="threshold_procedure_valid"),
            models.CheckConstraint(
                condition=Q(publication__in=Publication.values), name="threshold_publication_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_procedure_display()} ({self.get_nature_display() or '*'}) {self.valid_from}"


class ProcurementQuerySet(TenantQuerySet):
    commune_lookup = "project__mission__commune"


class Procurement(TimeStampedModel):
    project = models.ForeignKey(
        "projects.FollowedProject", on_delete=models.CASCADE, related_name="procurements", verbose_name=_("projet")
    )
    specification = models.ForeignKey(
        "projects.Specification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="procurements",
        verbose_name=_("cahier des charges"),
    )
    lot = models.ForeignKey(
        "projects.Lot", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("lot")
    )
    title = models.CharField(_("intitulé"), max_length=200)
    nature = models.CharField(_("nature du marché"), max_length=10, choices=Nature.choices)
    estimated_amount = models.DecimalField(
        _("montant estimé HTVA (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    planned_launch = models.DateField(_("lancement prévu le"))
    procedure = models.CharField(_("procédure choisie"), max_length=20, choices=Procedure.choices, blank=True)
    # The amount when the procedure was chosen: a later amount in another band is flagged.
    procedure_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True, editable=False)
    procedure_justification = models.TextField(_("justification de la procédure"), blank=True)
    # Timeline, in this order.
    launch_date = models.DateField(_("lancement"), null=True, blank=True)
    questions_deadline = models.DateField(_("date limite des questions"), null=True, blank=True)
    offers_deadline = models.DateTimeField(_("date limite de remise des offres"), null=True, blank=True)
    opening_date = models.DateField(_("ouverture des offres"), null=True, blank=True)
    award_date = models.DateField(_("attribution"), null=True, blank=True)
    notification_date = models.DateField(_("notification"), null=True, blank=True)
    # The award.
    awarded_offer = models.ForeignKey(
        "projects.Offer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("offre retenue"),
    )
    award_justification = models.TextField(_("justification de l’attribution"), blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    awarded_at = models.DateTimeField(_("attribué le"), null=True, blank=True)

    objects = ProcurementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "planned_launch", "pk"]
        verbose_name = _("marché public")
        verbose_name_plural = _("marchés publics")
        constraints = [
            models.CheckConstraint(condition=Q(nature__in=Nature.values), name="procurement_nature_valid"),
            models.CheckConstraint(
                condition=Q(procedure="") | Q(procedure__in=Procedure.values), name="procurement_procedure_valid"
            ),
            models.CheckConstraint(condition=Q(estimated_amount__gte=0), name="procurement_amount_not_negative"),
        ]

    def __str__(self):
        return self.title


class ProcurementChildQuerySet(TenantQuerySet):
    commune_lookup = "procurement__project__mission__commune"


class ConsultedProvider(models.Model):
    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, related_name="providers", verbose_name=_("marché")
    )
    name = models.CharField(_("opérateur économique"), max_length=200)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    consulted_on = models.DateField(_("consulté le"), null=True, blank=True)

    objects = ProcurementChildQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("opérateur consulté")
        verbose_name_plural = _("opérateurs consultés")

    def __str__(self):
        return self.name


class Offer(models.Model):
    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, related_name="offers", verbose_name=_("marché")
    )
    provider = models.CharField(_("soumissionnaire"), max_length=200)
    received_at = models.DateTimeField(_("reçue le"))
    price = models.DecimalField(_("prix HTVA (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    # Set from the deadline when the offer is recorded; a late offer is left out of the evaluation unless a
    # person puts it back (``excluded``).
    is_late = models.BooleanField(_("hors délai"), default=False)
    excluded = models.BooleanField(_("écartée de l’évaluation"), default=False)

    objects = ProcurementChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("offre")
        verbose_name_plural = _("offres")
        constraints = [models.CheckConstraint(condition=Q(price__gte=0), name="offer_price_not_negative")]

    def __str__(self):
        return self.provider


def offer_document_upload_to(document, filename):
    return f"procurement/{document.offer.procurement_id}/{document.offer_id}/{filename}"


class OfferDocumentQuerySet(TenantQuerySet):
    commune_lookup = "offer__procurement__project__mission__commune"


class OfferDocument(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="documents", verbose_name=_("offre"))
    file = models.FileField(_("fichier"), upload_to=offer_document_upload_to, max_length=300)
    name = models.CharField(_("nom"), max_length=200)
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    objects = OfferDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("document d’offre")
        verbose_name_plural = _("documents d’offre")

    def __str__(self):
        return self.name


class EvaluationScoreQuerySet(TenantQuerySet):
    commune_lookup = "offer__procurement__project__mission__commune"


class EvaluationScore(models.Model):
    """The points one evaluator gives one offer on one quality criterion (0 to the criterion's weight)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="scores", verbose_name=_("offre"))
    criterion = models.ForeignKey(
        "projects.AwardCriterion", on_delete=models.CASCADE, related_name="scores", verbose_name=_("critère")
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("évaluateur")
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])
    comment = models.TextField(_("commentaire"), blank=True)

    objects = EvaluationScoreQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("note d’évaluation")
        verbose_name_plural = _("notes d’évaluation")
        constraints = [
            models.UniqueConstraint(fields=["offer", "criterion", "evaluator"], name="score_one_per_evaluator"),
            models.CheckConstraint(condition=Q(points__gte=0), name="score_points_not_negative"),
        ]

    def __str__(self):
        return f"{self.offer} — {self.criterion} : {self.points}"


class RenderFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX (Word)"
    ODT = "odt", "ODT (LibreOffice)"


class RenderStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    DONE = "done", _("Prêt")
    FAILED = "failed", _("Échec")


class DocumentRenderQuerySet(TenantQuerySet):
    commune_lookup = "project__mission__commune"


def render_upload_to(render, filename):
    return f"projects/{render.project_id}/documents/{render.pk or 'new'}/{filename}"


class DocumentRender(TimeStampedModel):
    """One generated file (a CSC in one format, or an award report), built by ``projects.render_document``."""

    project = models.ForeignKey(
        "projects.FollowedProject", on_delete=models.CASCADE, related_name="renders", verbose_name=_("projet")
    )
    specification = models.ForeignKey(
        "projects.Specification", on_delete=models.CASCADE, null=True, blank=True, related_name="renders"
    )
    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, null=True, blank=True, related_name="renders"
    )
    format = models.CharField(_("format"), max_length=5, choices=RenderFormat.choices)
    status = models.CharField(_("état"), max_length=10, choices=RenderStatus.choices, default=RenderStatus.PENDING)
    file = models.FileField(_("fichier"), upload_to=render_upload_to, blank=True, max_length=300)
    filename = models.CharField(_("nom du fichier"), max_length=200, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    objects = DocumentRenderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document généré")
        verbose_name_plural = _("documents générés")
        constraints = [
            models.CheckConstraint(
                condition=Q(specification__isnull=False) | Q(procurement__isnull=False), name="render_has_a_source"
            ),
        ]

    def __str__(self):
        return self.filename or f"{self.get_format_display()} ({self.get_status_display()})"
