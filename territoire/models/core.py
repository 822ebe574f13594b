from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MISSION_DEFAULT_WEEKS = 8
# How long after the planned end of a mission the answers collected for it are kept (default privacy notice).
PRIVACY_RETENTION_MONTHS = 12


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class Role(models.TextChoices):
    # Epicene labels: they are read about women and men alike. A person who wants their own wording
    # ("Consultante référente", "Échevine") has it in ``Membership.role_title``.
    CONSULTANT = "consultant", _("Consultance référente")
    STAFF = "staff", _("Personnel communal")
    COLLEGE = "college", _("Membre du Collège")


class TenantQuerySet(models.QuerySet):
    """A queryset of rows that belong to one commune.

    ``commune_lookup`` is the path from the model to its commune; ``for_user`` keeps the rows of
    the communes where the user has a membership. Every model of a commune uses a subclass, so
    that ``territoire.access`` can load any of them the same way.
    """

    commune_lookup = "commune"

    def for_user(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        communes = Membership.objects.filter(user=user).values("commune_id")
        return self.filter(**{f"{self.commune_lookup}__in": communes})

    def for_commune(self, commune):
        return self.filter(**{self.commune_lookup: commune})

    @classmethod
    def commune_of(cls, obj):
        """The commune an object of this queryset's model belongs to (a query only when it is not loaded)."""
        if cls.commune_lookup == "pk":
            return obj
        current = obj
        for name in cls.commune_lookup.split("__"):
            if not current._meta.get_field(name).is_cached(current):
                commune_id = cls.commune_id_of(obj)
                return None if commune_id is None else Commune.objects.get(pk=commune_id)
            current = getattr(current, name)
            if current is None:
                return None
        return current

    @classmethod
    def commune_id_of(cls, obj) -> int | None:
        """The id of the commune an object belongs to, read from ``*_id`` columns.

        No query when the path is loaded (a card whose workshop was selected with it) or one step long
        (``commune_id`` of a digital system); otherwise one ``values_list`` query from the first object not
        loaded, never one query per intermediate object. None for an object of no commune (a personal
        template).
        """
        if cls.commune_lookup == "pk":
            return obj.pk
        names = cls.commune_lookup.split("__")
        current = obj
        for index, name in enumerate(names):
            field = current._meta.get_field(name)
            if index == len(names) - 1:
                return getattr(current, field.attname)
            if field.is_cached(current):
                current = getattr(current, name)
                if current is None:
                    return None
                continue
            related_id = getattr(current, field.attname)
            if related_id is None:
                return None
            rest = "__".join(names[index + 1 :])
            return field.related_model._base_manager.filter(pk=related_id).values_list(rest, flat=True).first()
        return None  # pragma: no cover - the loop always returns


class CommuneQuerySet(TenantQuerySet):
    commune_lookup = "pk"


class Commune(TimeStampedModel):
    class Country(models.TextChoices):
        BELGIUM = "BE", _("Belgique")
        FRANCE = "FR", _("France")

    name = models.CharField(_("nom"), max_length=120)
    code = models.CharField(
        _("code INS / INSEE"),
        max_length=10,
        unique=True,
        help_text=_("Code INS (NIS) à 5 chiffres en Belgique, code INSEE en France."),
    )
    country = models.CharField(_("pays"), max_length=2, choices=Country.choices, default=Country.BELGIUM)
    region = models.CharField(_("région"), max_length=80, default="Wallonie")
    province = models.CharField(_("province / département"), max_length=80, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    area_km2 = models.DecimalField(_("superficie (km²)"), max_digits=8, decimal_places=2, null=True, blank=True)
    logo = models.ImageField(_("logo"), upload_to="communes/logos/", blank=True)

    objects = CommuneQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("territoire:commune-detail", args=[self.pk])

    @property
    def density(self):
        if self.population and self.area_km2:
            return round(self.population / float(self.area_km2))
        return None


class Membership(TimeStampedModel):
    """A user's role in one commune: the only way to reach a commune's data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("utilisateur")
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("commune")
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    function = models.CharField(
        _("fonction"), max_length=120, blank=True, help_text=_("Par ex. directeur général, échevine de la mobilité.")
    )
    service = models.CharField(_("service"), max_length=120, blank=True)
    role_title = models.CharField(
        _("rôle tel qu'écrit"),
        max_length=80,
        blank=True,
        help_text=_(
            "Comme la personne souhaite le lire, par ex. « Consultante référente ». Vide : l'intitulé épicène du rôle."
        ),
    )

    objects = TenantQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["commune__name", "role", "user__last_name"]
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [
            models.UniqueConstraint(fields=["user", "commune"], name="membership_one_per_user_and_commune"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self):
        return f"{self.user} — {self.commune} ({self.role_label})"

    @property
    def role_label(self) -> str:
        """The role as the person wants it written, else its epicene label."""
        return self.role_title or str(self.get_role_display())


class MissionQuerySet(TenantQuerySet):
    def open(self):
        return self.exclude(phase=Mission.Phase.CLOSED)


def default_planned_end():
    return timezone.localdate() + timedelta(weeks=MISSION_DEFAULT_WEEKS)


class Mission(TimeStampedModel):
    class Phase(models.TextChoices):
        DIAGNOSTIC = "diagnostic", _("Diagnostic")
        ROADMAP = "roadmap", _("Feuille de route")
        AMO = "amo", _("Accompagnement (AMO)")
        CLOSED = "closed", _("Clôturée")

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="missions", verbose_name=_("commune"))
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("contexte et objectifs"), blank=True)
    referents = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="referent_missions", blank=True, verbose_name=_("consultants référents")
    )
    start_date = models.DateField(_("début"), default=timezone.localdate)
    planned_end_date = models.DateField(_("fin prévue"), default=default_planned_end)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.DIAGNOSTIC)
    privacy_notice = models.TextField(
        _("mention de protection des données"),
        blank=True,
        help_text=_(
            "Montrée sur les questionnaires et les ateliers publics : qui collecte les données, pourquoi, combien "
            "de temps, qui contacter, droits d'accès et d'effacement. Laissez vide pour le texte par défaut."
        ),
    )

    objects = MissionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[referents])

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_date__gte=models.F("start_date")), name="mission_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(phase__in=["diagnostic", "roadmap", "amo", "closed"]), name="mission_phase_valid"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("territoire:mission-detail", args=[self.pk])

    @property
    def phase_index(self) -> int:
        return list(self.Phase.values).index(self.phase)

    @property
    def planned_weeks(self) -> int:
        return max(1, round((self.planned_end_date - self.start_date).days / 7))

    def elapsed_weeks(self, today: date | None = None) -> int:
        today = today or timezone.localdate()
        return (
            max(0, min((today - self.start_date).days // 7 + 1, self.planned_weeks)) if today >= self.start_date else 0
        )

    def time_progress(self, today: date | None = None) -> int:
        """Share of the planned period gone by, in percent (0 before the start, 100 after the end)."""
        today = today or timezone.localdate()
        total = (self.planned_end_date - self.start_date).days or 1
        return max(0, min(100, round(100 * (today - self.start_date).days / total)))

    def privacy_notice_text(self) -> str:
        """The notice shown to respondents and workshop participants: the mission's own, or the default."""
        return self.privacy_notice.strip() or self.default_privacy_notice()

    def default_privacy_notice(self) -> str:
        """Who collects, why, how long, contact, rights (RGPD), from the commune and the mission's consultant."""
        referent = self.referents.order_by("pk").first() if self.pk else None
        if referent is not None:
            name = referent.get_full_name() or referent.get_username()
            contact = f"{name} ({referent.email})" if referent.email else name
        else:
            contact = gettext("l'administration communale de %(commune)s") % {"commune": self.commune.name}
        return gettext(
            "Qui collecte vos données ? La commune de %(commune)s et le consultant qui l'accompagne dans sa "
            "mission « territoire intelligent ».\n"
            "Pourquoi ? Pour établir le diagnostic de la commune. Vos réponses sont analysées ensemble et ne "
            "servent à rien d'autre ; elles ne sont ni vendues ni cédées.\n"
            "Combien de temps ? Pendant la mission (fin prévue le %(end)s), puis %(months)s mois au plus ; "
            "elles sont ensuite effacées.\n"
            "Contact : %(contact)s.\n"
            "Vos droits : vous pouvez demander à consulter vos données, à les faire corriger ou effacer (RGPD) "
            "en écrivant à ce contact. Si vous estimez que vos droits ne sont pas respectés, vous pouvez "
            "introduire une réclamation auprès de l'autorité de protection des données."
        ) % {
            "commune": self.commune.name,
            "end": date_format(self.planned_end_date, "SHORT_DATE_FORMAT"),
            "months": PRIVACY_RETENTION_MONTHS,
            "contact": contact,
        }

    def is_late(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.phase in (self.Phase.DIAGNOSTIC, self.Phase.ROADMAP) and today > self.planned_end_date
