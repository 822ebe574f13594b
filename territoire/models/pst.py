"""The commune's Programme Stratégique Transversal (PST) and its import history.

Why one ``PSTNode`` table for OS, OO and actions rather than three models: the regional eComptes
format gives every level the same attributes (ElementBaseInfo: dates, status, people, department,
progress, FTE, plans, partners, budget articles, projections), the commune's code space is one per
PST, tagging targets any level, and the import writes the whole tree with one bulk path. ``level``
says what a node is; an OO's ``parent`` is its OS; an action serves one or more OO through
``objectives`` (many-to-many).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territoire.models.core import Commune, TenantQuerySet, TimeStampedModel


class SmartTheme(models.TextChoices):
    """Themes of a smart territory used in Walloon calls, plus the internal administration."""

    MOBILITY = "mobility", _("Mobilité")
    GOVERNANCE = "governance", _("Gouvernance")
    ENERGY = "energy", _("Énergie")
    ENVIRONMENT = "environment", _("Environnement")
    ECONOMY = "economy", _("Économie")
    LIVING = "living", _("Qualité de vie")
    ADMINISTRATION = "administration", _("Administration")


class SmartDimension(models.TextChoices):
    """Dimensions of a smart territory (Nam & Pardo 2011)."""

    TECHNOLOGY = "technology", _("Technologie")
    PEOPLE = "people", _("Humain")
    INSTITUTIONS = "institutions", _("Institutions")


class PSTEntity(models.TextChoices):
    COMMUNE = "commune", _("Administration communale")
    CPAS = "cpas", _("CPAS")


class Volet(models.TextChoices):
    EXTERNAL = "externe", _("Volet externe")
    INTERNAL = "interne", _("Volet interne")


class NodeLevel(models.TextChoices):
    OS = "os", _("Objectif stratégique")
    OO = "oo", _("Objectif opérationnel")
    ACTION = "action", _("Action")


class NodeState(models.TextChoices):
    NOT_STARTED = "not_started", _("Non commencé")
    IN_PROGRESS = "in_progress", _("En cours")
    WAITING = "waiting", _("En attente")
    PROBLEM = "problem", _("Problème")
    DONE = "done", _("Terminé")
    ABANDONED = "abandoned", _("Abandonné")


class BudgetSource(models.TextChoices):
    ORDINARY = "ordinary", _("Budget ordinaire")
    EXTRAORDINARY = "extraordinary", _("Budget extraordinaire")
    SUBSIDY = "subsidy", _("Subside")
    OTHER = "other", _("Autre")


class PSTQuerySet(TenantQuerySet):
    commune_lookup = "commune"


class PST(TimeStampedModel):
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="psts", verbose_name=_("commune"))
    entity = models.CharField(_("entité"), max_length=10, choices=PSTEntity.choices, default=PSTEntity.COMMUNE)
    start_year = models.PositiveSmallIntegerField(_("première année"))
    end_year = models.PositiveSmallIntegerField(_("dernière année"))
    title = models.CharField(_("intitulé"), max_length=255, blank=True)
    source_id = models.CharField(_("identifiant dans le logiciel PST"), max_length=40, blank=True)

    objects = PSTQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year", "entity"]
        verbose_name = _("PST")
        verbose_name_plural = _("PST")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "start_year", "end_year", "entity"], name="pst_one_per_commune_legislature_entity"
            ),
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="pst_years_ordered"),
            models.CheckConstraint(condition=Q(entity__in=PSTEntity.values), name="pst_entity_valid"),
        ]

    def __str__(self):
        return self.title or _("PST %(legislature)s") % {"legislature": self.legislature}

    @property
    def legislature(self) -> str:
        return f"{self.start_year}-{self.end_year}"


class PSTNodeQuerySet(TenantQuerySet):
    commune_lookup = "pst__commune"

    def actions(self):
        return self.filter(level=NodeLevel.ACTION)


class PSTNode(models.Model):
    pst = models.ForeignKey(PST, on_delete=models.CASCADE, related_name="nodes", verbose_name=_("PST"))
    level = models.CharField(_("niveau"), max_length=10, choices=NodeLevel.choices)
    code = models.CharField(_("code"), max_length=60, blank=True, help_text=_("Tel que la commune l'écrit."))
    # The matching key of re-imports: the code lowercased with its separators unified (« OO 1.2 » = « oo.1.2 »),
    # or the title when the commune gave no code.
    key = models.CharField(_("clé"), max_length=255)
    title = models.CharField(_("intitulé"), max_length=500)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("OS parent")
    )
    objectives = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="actions", verbose_name=_("objectifs opérationnels")
    )
    volet = models.CharField(_("volet"), max_length=10, choices=Volet.choices, blank=True)
    element_id = models.CharField(_("identifiant eComptes"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_is_html = models.BooleanField(_("description en HTML"), default=False)
    status_note = models.TextField(_("remarque sur l'état"), blank=True)
    service = models.CharField(_("service pilote"), max_length=200, blank=True)
    responsible = models.CharField(_("agent responsable"), max_length=200, blank=True)
    responsible_email = models.EmailField(_("courriel du responsable"), blank=True)
    political_lead = models.CharField(_("mandataire (échevin)"), max_length=200, blank=True)
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, null=True, blank=True)
    budget_source = models.CharField(_("source du budget"), max_length=20, choices=BudgetSource.choices, blank=True)
    state = models.CharField(_("état"), max_length=20, choices=NodeState.choices, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    fte = models.DecimalField(_("ETP"), max_digits=7, decimal_places=2, null=True, blank=True)
    # What the source format holds beyond our columns (eComptes persons and exercise), to export it back.
    extra = models.JSONField(default=dict, blank=True, editable=False)
    # Digest of every imported value of the node: a re-import compares it to say « inchangé ».
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = PSTNodeQuerySet.as_manager()

    class Meta:
        ordering = ["pst", "position"]
        verbose_name = _("élément du PST")
        verbose_name_plural = _("éléments du PST")
        constraints = [
            models.UniqueConstraint(fields=["pst", "level", "key"], name="pstnode_key_unique_per_level"),
            models.CheckConstraint(condition=Q(level__in=NodeLevel.values), name="pstnode_level_valid"),
            models.CheckConstraint(condition=Q(state__in=["", *NodeState.values]), name="pstnode_state_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="pstnode_progress_max_100"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="pstnode_budget_not_negative"),
            models.CheckConstraint(condition=Q(fte__gte=0), name="pstnode_fte_not_negative"),
        ]
        indexes = [models.Index(fields=["pst", "level", "state"])]

    def __str__(self):
        return f"{self.code} {self.title}".strip()


class PSTNodeRowQuerySet(TenantQuerySet):
    commune_lookup = "node__pst__commune"


class PSTBudgetLine(models.Model):
    """A budget article (``projected=False``) or a multi-year projection line of a node, for one year."""

    class Kind(models.TextChoices):
        EXPENSE = "D", _("Dépense")
        REVENUE = "R", _("Recette")

    node = models.ForeignKey(PSTNode, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("exercice"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=BudgetSource.choices, default=BudgetSource.ORDINARY)
    kind = models.CharField(_("type"), max_length=1, choices=Kind.choices, default=Kind.EXPENSE)
    article = models.CharField(_("article budgétaire"), max_length=50, blank=True)
    economic_group = models.CharField(_("groupe économique"), max_length=50, blank=True)
    label = models.CharField(_("libellé"), max_length=255, blank=True)
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)
    projected = models.BooleanField(_("projection pluriannuelle"), default=False)

    objects = PSTNodeRowQuerySet.as_manager()

    class Meta:
        ordering = ["node", "projected", "year", "pk"]
        verbose_name = _("ligne budgétaire")
        verbose_name_plural = _("lignes budgétaires")

    def __str__(self):
        return f"{self.year or ''} {self.label or self.article} {self.amount}".strip()


class PSTNodeLink(models.Model):
    """A plan the node belongs to (PCS, PCDR, plan mobilité...) or one of its partners."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("Plan")
        PARTNER = "partner", _("Partenaire")

    node = models.ForeignKey(PSTNode, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(_("nom"), max_length=255)

    objects = PSTNodeRowQuerySet.as_manager()

    class Meta:
        ordering = ["node", "kind", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["plan", "partner"]), name="pstnodelink_kind_valid")
        ]

    def __str__(self):
        return self.name


class PSTIndicator(models.Model):
    """A result indicator of a node for one year: the value expected and the value reached."""

    node = models.ForeignKey(PSTNode, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicateur"), max_length=255)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    expected = models.DecimalField(_("valeur attendue"), max_digits=14, decimal_places=2, null=True, blank=True)
    reached = models.DecimalField(_("valeur atteinte"), max_digits=14, decimal_places=2, null=True, blank=True)

    objects = PSTNodeRowQuerySet.as_manager()

    class Meta:
        ordering = ["node", "name", "year"]
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")

    def __str__(self):
        return f"{self.name} {self.year or ''}".strip()


class PSTNodeTag(models.Model):
    """A smart theme or dimension a consultant gave a node. Kept across re-imports (the node keeps its pk)."""

    class Kind(models.TextChoices):
        THEME = "theme", _("Thème")
        DIMENSION = "dimension", _("Dimension")

    node = models.ForeignKey(PSTNode, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=20)

    objects = PSTNodeRowQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["node", "kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["node", "kind", "value"], name="pstnodetag_unique"),
            models.CheckConstraint(
                condition=(
                    Q(kind="theme", value__in=SmartTheme.values) | Q(kind="dimension", value__in=SmartDimension.values)
                ),
                name="pstnodetag_value_valid",
            ),
        ]

    def __str__(self):
        return str(self.label)

    @property
    def label(self):
        choices = SmartTheme if self.kind == self.Kind.THEME else SmartDimension
        return choices(self.value).label


class PSTImportQuerySet(TenantQuerySet):
    commune_lookup = "commune"


def pst_import_path(instance, filename):
    return f"pst/imports/{instance.commune_id}/{filename}"


class PSTImport(TimeStampedModel):
    """One upload of a PST file: its original, the preview computed from it, and what confirming did.

    The preview (normalized nodes, errors, counts) is stored so that confirming writes exactly what
    the user saw; the original file stays for the history and is served only through an access-checked view.
    An upload starts ``analysing``: a Celery task reads the stored file and leaves the import ``preview``
    or ``refused`` (never ``analysing`` for good: a crash refuses it, a lost task is expired by the screen).
    """

    class Status(models.TextChoices):
        ANALYSING = "analysing", _("En cours d'analyse")
        PREVIEW = "preview", _("Aperçu")
        REFUSED = "refused", _("Refusé")
        CONFIRMED = "confirmed", _("Importé")
        CANCELLED = "cancelled", _("Abandonné")

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="pst_imports")
    pst = models.ForeignKey(PST, on_delete=models.SET_NULL, null=True, blank=True, related_name="imports")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("par")
    )
    file = models.FileField(_("fichier"), upload_to=pst_import_path, max_length=255)
    file_name = models.CharField(_("nom du fichier"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10, blank=True)
    entity = models.CharField(_("entité"), max_length=10, choices=PSTEntity.choices, default=PSTEntity.COMMUNE)
    start_year = models.PositiveSmallIntegerField(_("première année"))
    end_year = models.PositiveSmallIntegerField(_("dernière année"))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PREVIEW)
    mapping = models.JSONField(default=dict, blank=True)
    headers = models.JSONField(default=list, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    # What a re-import changes in the stored PST, node by node (see ``territoire.pst.apply.diff``).
    diff = models.JSONField(default=dict, blank=True)
    confirmed_at = models.DateTimeField(_("importé le"), null=True, blank=True)

    objects = PSTImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import de PST")
        verbose_name_plural = _("imports de PST")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["analysing", "preview", "refused", "confirmed", "cancelled"]),
                name="pstimport_status_valid",
            )
        ]

    def __str__(self):
        return self.file_name

    @property
    def legislature(self) -> str:
        return f"{self.start_year}-{self.end_year}"

    @property
    def is_refused(self) -> bool:
        return self.status == self.Status.REFUSED

    @property
    def is_analysing(self) -> bool:
        return self.status == self.Status.ANALYSING
