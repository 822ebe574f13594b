"""The commune's inventory of digital systems, the data flows between them and its planned needs.

The inventory belongs to the commune, not to a mission: the tools outlive a mission and the next
mission starts from the same list. Missions show it. Alerts are computed (``diagnostics.selectors.inventory``),
never stored, so they always match the inventory.
"""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territoire.models import SmartTheme, TenantQuerySet, TimeStampedModel


class FunctionCategory(models.TextChoices):
    WEBSITE = "website", _("Site web")
    EGUICHET = "eguichet", _("E-guichet")
    POPULATION = "population", _("Population / état civil")
    FINANCE = "finance", _("Comptabilité / finances")
    RECORDS = "records", _("GED / courrier")
    HR = "hr", _("RH / paie")
    GIS = "gis", _("Cartographie / SIG")
    ROOM_BOOKING = "room_booking", _("Réservation de salles")
    TICKETING = "ticketing", _("Ticketing / demandes citoyennes")
    COMMUNICATION = "communication", _("Communication / newsletter")
    ASSETS = "assets", _("Travaux / patrimoine")
    OTHER = "other", _("Autre")


class Hosting(models.TextChoices):
    ON_PREMISE = "on_premise", _("Sur site (serveur communal)")
    CLOUD = "cloud", _("Cloud du fournisseur")
    INTERCOMMUNAL = "intercommunal", _("Intercommunale")


class Need(models.TextChoices):
    """Functions the commune plans or needs; each has foundations (``diagnostics.selectors.inventory.FOUNDATIONS``)."""

    EGUICHET = "eguichet", _("E-guichet (démarches en ligne)")
    ONLINE_PAYMENT = "online_payment", _("Paiement en ligne")
    OPEN_DATA = "open_data", _("Données ouvertes (open data)")
    CITIZEN_REPORTS = "citizen_reports", _("Signalements citoyens géolocalisés")
    ONLINE_BOOKING = "online_booking", _("Réservation de salles en ligne")


class InventoryQuerySet(TenantQuerySet):
    commune_lookup = "commune"


class DigitalSystemQuerySet(InventoryQuerySet):
    def incomplete(self):
        """Tools whose record still misses what the diagnostic reads: the vendor, the yearly cost or the services."""
        return self.filter(Q(vendor="") | Q(yearly_cost__isnull=True) | Q(services=""))


class DigitalSystem(TimeStampedModel):
    commune = models.ForeignKey(
        "territoire.Commune", on_delete=models.CASCADE, related_name="digital_systems", verbose_name=_("commune")
    )
    name = models.CharField(_("nom"), max_length=120)
    category = models.CharField(_("fonction"), max_length=20, choices=FunctionCategory.choices)
    vendor = models.CharField(_("fournisseur"), max_length=120, blank=True)
    services = models.CharField(
        _("services utilisateurs"), max_length=255, blank=True, help_text=_("Séparés par des virgules.")
    )
    yearly_cost = models.DecimalField(_("coût annuel (€)"), max_digits=10, decimal_places=2, null=True, blank=True)
    contract_end = models.DateField(_("fin du contrat"), null=True, blank=True)
    hosting = models.CharField(_("hébergement"), max_length=20, choices=Hosting.choices, default=Hosting.CLOUD)
    personal_data = models.BooleanField(_("données à caractère personnel"), default=False)
    open_standards = models.BooleanField(
        _("standards ouverts / API"),
        default=False,
        help_text=_("L'outil échange ses données par une API ou un format ouvert."),
    )
    notes = models.TextField(_("remarques"), blank=True)

    objects = DigitalSystemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("outil numérique")
        verbose_name_plural = _("outils numériques")
        constraints = [
            models.UniqueConstraint(Lower("name"), "commune", name="digitalsystem_name_unique_per_commune"),
            models.CheckConstraint(
                condition=Q(category__in=FunctionCategory.values), name="digitalsystem_category_valid"
            ),
            models.CheckConstraint(condition=Q(hosting__in=Hosting.values), name="digitalsystem_hosting_valid"),
            models.CheckConstraint(condition=Q(yearly_cost__gte=0), name="digitalsystem_cost_not_negative"),
        ]

    def __str__(self):
        return self.name


class DataFlow(TimeStampedModel):
    """Data going from one system to another, or between a system and the outside.

    An empty ``source`` or ``target`` is the outside (``external_party`` names it: BCE, a regional
    database, citizens...). ``commune`` repeats the systems' commune so that the flow is a tenant
    object by itself; the form only offers the commune's systems.
    """

    class Mode(models.TextChoices):
        MANUAL = "manual", _("Réencodage manuel")
        API = "api", _("Automatique (API)")
        FILE = "file", _("Automatique (export de fichier)")

    class Frequency(models.TextChoices):
        REALTIME = "realtime", _("En continu")
        DAILY = "daily", _("Quotidienne")
        WEEKLY = "weekly", _("Hebdomadaire")
        MONTHLY = "monthly", _("Mensuelle")
        YEARLY = "yearly", _("Annuelle")
        ADHOC = "adhoc", _("Ponctuelle")

    commune = models.ForeignKey(
        "territoire.Commune", on_delete=models.CASCADE, related_name="data_flows", verbose_name=_("commune")
    )
    source = models.ForeignKey(
        DigitalSystem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outgoing_flows",
        verbose_name=_("depuis"),
    )
    target = models.ForeignKey(
        DigitalSystem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="incoming_flows",
        verbose_name=_("vers"),
    )
    external_party = models.CharField(
        _("partenaire extérieur"),
        max_length=120,
        blank=True,
        help_text=_("Quand un côté est l'extérieur : BCE, registre national, base régionale, citoyens…"),
    )
    data = models.CharField(_("données échangées"), max_length=200)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.MANUAL)
    frequency = models.CharField(_("fréquence"), max_length=10, choices=Frequency.choices, default=Frequency.ADHOC)

    objects = InventoryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("flux de données")
        verbose_name_plural = _("flux de données")
        constraints = [
            models.CheckConstraint(
                condition=Q(source__isnull=True) | Q(target__isnull=True) | ~Q(source=F("target")),
                name="dataflow_not_to_itself",
            ),
            models.CheckConstraint(
                condition=Q(source__isnull=False) | Q(target__isnull=False), name="dataflow_has_a_system"
            ),
            models.CheckConstraint(condition=Q(mode__in=["manual", "api", "file"]), name="dataflow_mode_valid"),
        ]

    def __str__(self):
        return f"{self.source_label} → {self.target_label} : {self.data}"

    @property
    def is_manual(self) -> bool:
        return self.mode == self.Mode.MANUAL

    @property
    def outside_label(self) -> str:
        return self.external_party or str(_("Extérieur"))

    @property
    def source_label(self) -> str:
        return self.source.name if self.source_id else self.outside_label

    @property
    def target_label(self) -> str:
        return self.target.name if self.target_id else self.outside_label


class PlannedNeed(TimeStampedModel):
    """A function the commune plans or needs (from interviews, the PST...): its foundations are checked."""

    commune = models.ForeignKey(
        "territoire.Commune", on_delete=models.CASCADE, related_name="planned_needs", verbose_name=_("commune")
    )
    need = models.CharField(_("besoin"), max_length=20, choices=Need.choices)

    objects = InventoryQuerySet.as_manager()

    class Meta:
        ordering = ["need"]
        verbose_name = _("besoin prévu")
        verbose_name_plural = _("besoins prévus")
        constraints = [
            models.UniqueConstraint(fields=["commune", "need"], name="plannedneed_one_per_commune"),
        ]

    def __str__(self):
        return self.get_need_display()


class Initiative(TimeStampedModel):
    """What the commune already does in « smart »: shown next to the inventory."""

    class Kind(models.TextChoices):
        PARTICIPATION = "participation", _("Participation / collaboration")
        DIGITAL = "digital", _("Numérique / technologie")

    class Status(models.TextChoices):
        PLANNED = "planned", _("En projet")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Réalisée")
        STOPPED = "stopped", _("Arrêtée")

    commune = models.ForeignKey(
        "territoire.Commune", on_delete=models.CASCADE, related_name="initiatives", verbose_name=_("commune")
    )
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("type d'action"), max_length=20, choices=Kind.choices)
    theme = models.CharField(_("thème"), max_length=20, choices=SmartTheme.choices, blank=True)
    service = models.CharField(_("service porteur"), max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(_("année de lancement"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.RUNNING)

    objects = InventoryQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("initiative existante")
        verbose_name_plural = _("initiatives existantes")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["participation", "digital"]), name="initiative_kind_valid"),
        ]

    def __str__(self):
        return self.title
