"""Writes on followed projects: start one from a retained sheet, change its title and team.

The sheet stays the reference (budget lines, funding, indicators are read from it, never copied); what is
checked here whatever the form said: the sheet is retained, of the mission, and not followed yet; the people
are members of the sheet's commune with the right role.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from projects.models import FollowedProject
from roadmap.models import SheetStatus
from territoire.models import Membership, Role

logger = logging.getLogger(__name__)


def sheet_refusal(*, mission, sheet) -> str | None:
    """Why this sheet cannot become a followed project of this mission, in French; None when it can."""
    if sheet.mission_id != mission.pk:
        return _("Cette fiche appartient à une autre mission : elle ne peut pas être suivie ici.")
    if sheet.status != SheetStatus.RETAINED:
        return _("Seule une fiche retenue peut devenir un projet suivi (statut actuel : %(status)s).") % {
            "status": sheet.get_status_display()
        }
    if FollowedProject.objects.filter(sheet=sheet).exists():
        return _("Cette fiche est déjà suivie comme projet.")
    return None


def _check_people(*, commune, leader, consultant, team) -> None:
    roles = dict(
        Membership.objects.filter(
            commune=commune, user__in=[u for u in [leader, consultant, *team] if u is not None]
        ).values_list("user_id", "role")
    )
    if leader is not None and roles.get(leader.pk) != Role.STAFF:
        raise ValidationError(_("Le chef de projet doit être un agent de la commune."))
    if consultant is not None and roles.get(consultant.pk) != Role.CONSULTANT:
        raise ValidationError(_("Le consultant référent doit être un consultant de la commune."))
    if any(user.pk not in roles for user in team):
        raise ValidationError(_("L'équipe ne peut compter que des membres de la commune."))


def project_create(*, mission, sheet, title: str, leader=None, consultant=None, team=(), by) -> FollowedProject:
    """Start following a retained sheet of the mission; raises ValidationError (French) otherwise."""
    refusal = sheet_refusal(mission=mission, sheet=sheet)
    if refusal:
        raise ValidationError(refusal)
    _check_people(commune=mission.commune, leader=leader, consultant=consultant, team=team)
    try:
        with transaction.atomic():
            project = FollowedProject(mission=mission, sheet=sheet, title=title, leader=leader, consultant=consultant)
            project._history_user = by
            project.save()
            project.team.set(team)
    except IntegrityError:  # the same sheet followed meanwhile by someone else (one-to-one)
        raise ValidationError(_("Cette fiche est déjà suivie comme projet.")) from None
    logger.info("project_created project=%s sheet=%s by=%s", project.pk, sheet.pk, by.pk)
    return project


def project_update(*, project, title: str, leader=None, consultant=None, team=(), by) -> FollowedProject:
    """Change the project's title and people (members of its commune only)."""
    _check_people(commune=project.mission.commune, leader=leader, consultant=consultant, team=team)
    with transaction.atomic():
        project.title, project.leader, project.consultant = title, leader, consultant
        project._history_user = by
        project.save(update_fields=["title", "leader", "consultant", "updated_at"])
        project.team.set(team)
    logger.info("project_updated project=%s by=%s", project.pk, by.pk)
    return project
