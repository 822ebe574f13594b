"""The library of sheet templates: built-in ones (seeded) and those a consultant saved from their own sheets.

A template is not data of a commune: its content (texts, budget lines, risks, indicators) is a JSON copy
made when it was saved, so a consultant reuses it across their missions in every commune. A built-in
template (no owner) is offered to every consultant; a consultant's own only to them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from territoire.models import SmartDimension, SmartTheme, TimeStampedModel


class SheetTemplateQuerySet(models.QuerySet):
    def available_to(self, user):
        """Built-in templates and the user's own."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(Q(owner__isnull=True) | Q(owner=user))


class SheetTemplate(TimeStampedModel):
    name = models.CharField(_("nom"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sheet_templates",
        verbose_name=_("propriétaire"),
        help_text=_("Vide : modèle intégré, proposé à tous les consultants."),
    )
    theme = models.CharField(_("thème"), max_length=20, choices=SmartTheme.choices, blank=True)
    dimension = models.CharField(_("dimension"), max_length=20, choices=SmartDimension.choices, blank=True)
    content = models.JSONField(_("contenu"), default=dict, blank=True)

    objects = SheetTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("modèle de fiche")
        verbose_name_plural = _("modèles de fiches")

    def __str__(self):
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.owner_id is None
