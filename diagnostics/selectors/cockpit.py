"""The diagnostic's share of the mission cockpit and of the dashboard's to-dos (see ``territoire.cockpit``).

The parts issue five queries for a mission whatever its size; the to-dos three for all the dashboard's communes.
"""

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from diagnostics.models import Audience, Campaign, DigitalSystem, Finding, Importance, Interview, InterviewTarget
from diagnostics.models.interviews import DEFAULT_INTERVIEW_TARGET
from territoire import access
from territoire.cockpit import Cockpit, Deadline, Part, Todo, local_date
from territoire.models import Mission, Role


def _short(value) -> str:
    return date_format(local_date(value), "d/m")


def audience_responses(audience: str, submitted: int, invited: int) -> str:
    """ "22/28 réponses du personnel", "3 réponses des citoyens" (an audience without invitations has no total)."""
    if invited:
        texts = {
            Audience.STAFF: ngettext(
                "%(n)s/%(total)s réponse du personnel", "%(n)s/%(total)s réponses du personnel", invited
            ),
            Audience.COLLEGE: ngettext(
                "%(n)s/%(total)s réponse du Collège", "%(n)s/%(total)s réponses du Collège", invited
            ),
        }
        default = ngettext("%(n)s/%(total)s réponse", "%(n)s/%(total)s réponses", invited)
    else:
        texts = {
            Audience.STAFF: ngettext("%(n)s réponse du personnel", "%(n)s réponses du personnel", submitted),
            Audience.COLLEGE: ngettext("%(n)s réponse du Collège", "%(n)s réponses du Collège", submitted),
            Audience.CITIZENS: ngettext("%(n)s réponse des citoyens", "%(n)s réponses des citoyens", submitted),
            Audience.COMMISSIONS: ngettext(
                "%(n)s réponse des commissions", "%(n)s réponses des commissions", submitted
            ),
        }
        default = ngettext("%(n)s réponse", "%(n)s réponses", submitted)
    return texts.get(audience, default) % {"n": submitted, "total": invited}


def questionnaire_part(mission, user) -> Cockpit:
    """Responses per audience, the campaigns still open and when they close (one query)."""
    campaigns = list(
        Campaign.objects.filter(mission=mission)
        .annotate(
            submitted=Count("responses", filter=Q(responses__submitted_at__isnull=False), distinct=True),
            invited=Count("invitations", distinct=True),
        )
        .order_by("closes_at")
    )
    url = reverse("diagnostics:questionnaire-list", args=[mission.pk])
    if not campaigns:
        return Cockpit(
            parts=[
                Part(
                    "questionnaires",
                    _("Questionnaires"),
                    "bi-ui-checks",
                    _("Aucune campagne"),
                    _("Préparer un questionnaire et ouvrir une campagne"),
                    url,
                    order=20,
                )
            ]
        )
    by_audience: dict[str, list[int]] = {}
    for campaign in campaigns:
        totals = by_audience.setdefault(campaign.audience, [0, 0])
        totals[0] += campaign.submitted
        totals[1] += campaign.invited
    figure = " · ".join(audience_responses(audience, *totals) for audience, totals in by_audience.items())
    now = timezone.now()
    open_ones = [c for c in campaigns if c.opens_at <= now < c.closes_at]
    deadlines = [
        Deadline(
            local_date(c.closes_at),
            _("Clôture de la campagne « %(title)s »") % {"title": c.title},
            reverse("diagnostics:campaign-detail", args=[mission.pk, c.pk]),
        )
        for c in campaigns
        if c.closes_at > now
    ]
    if open_ones:
        first = open_ones[0]
        next_step = ngettext(
            "%(n)s campagne ouverte, jusqu'au %(date)s : relancer qui n'a pas répondu",
            "%(n)s campagnes ouvertes, la première jusqu'au %(date)s : relancer qui n'a pas répondu",
            len(open_ones),
        ) % {"n": len(open_ones), "date": _short(first.closes_at)}
    elif deadlines:
        next_step = _("Prochaine campagne à ouvrir")
    else:
        next_step = _("Campagnes clôturées : lire les résultats")
    part = Part("questionnaires", _("Questionnaires"), "bi-ui-checks", figure, next_step, url, order=20)
    return Cockpit(parts=[part], deadlines=deadlines)


def interview_part(mission, user) -> Cockpit:
    """Interviews done against the target, the next one, and those past their date still « Planifié » (two queries).

    Only consultants learn when interviews take place (``can_read_interviews``): others get the figure alone.
    """
    now = timezone.now()
    counts = Interview.objects.filter(mission=mission).aggregate(
        done=Count("pk", filter=Q(status=Interview.Status.DONE)),
        planned=Count("pk", filter=Q(status=Interview.Status.PLANNED, scheduled_at__gte=now)),
        overdue=Count("pk", filter=Q(status=Interview.Status.PLANNED, scheduled_at__lt=now)),
        next_at=Min("scheduled_at", filter=Q(status=Interview.Status.PLANNED, scheduled_at__gte=now)),
    )
    target = (
        InterviewTarget.objects.filter(mission=mission).values_list("target", flat=True).first()
        or DEFAULT_INTERVIEW_TARGET
    )
    figure = ngettext("%(done)s/%(target)s entretien réalisé", "%(done)s/%(target)s entretiens réalisés", target) % {
        "done": counts["done"],
        "target": target,
    }
    may_read = access.can_read_interviews(user, mission)
    url = reverse("diagnostics:interviews", args=[mission.pk]) if access.can_conduct_interviews(user, mission) else ""
    warning = ""
    deadlines = []
    if may_read and counts["overdue"]:
        warning = ngettext(
            "%(n)s entretien passé est encore « Planifié » : indiquez s'il a eu lieu",
            "%(n)s entretiens passés sont encore « Planifié » : indiquez s'ils ont eu lieu",
            counts["overdue"],
        ) % {"n": counts["overdue"]}
    if may_read and counts["next_at"]:
        next_step = _("Prochain entretien le %(date)s") % {"date": _short(counts["next_at"])}
        deadlines.append(Deadline(local_date(counts["next_at"]), _("Prochain entretien"), url))
    elif counts["done"] < target:
        missing = target - counts["done"]
        next_step = ngettext(
            "Planifier l'entretien qui manque", "Planifier les %(n)s entretiens qui manquent", missing
        ) % {"n": missing}
    else:
        next_step = _("Objectif atteint")
    part = Part("interviews", _("Entretiens"), "bi-people", figure, next_step, url, warning=warning, order=30)
    return Cockpit(parts=[part], deadlines=deadlines)


def inventory_part(mission, user) -> Cockpit:
    """The commune's tools and those still to complete (one query)."""
    counts = DigitalSystem.objects.filter(commune=mission.commune_id).aggregate(
        total=Count("pk"),
        incomplete=Count("pk", filter=Q(pk__in=DigitalSystem.objects.incomplete().values("pk"))),
    )
    figure = ngettext("%(n)s outil recensé", "%(n)s outils recensés", counts["total"]) % {"n": counts["total"]}
    if not counts["total"]:
        next_step = _("Recenser les logiciels de l'administration")
    elif counts["incomplete"]:
        next_step = ngettext("%(n)s outil à compléter", "%(n)s outils à compléter", counts["incomplete"]) % {
            "n": counts["incomplete"]
        }
    else:
        next_step = _("Inventaire complet : vérifier les flux de données")
    url = reverse("diagnostics:inventory", args=[mission.pk])
    return Cockpit(parts=[Part("inventory", _("Inventaire"), "bi-hdd-network", figure, next_step, url, order=40)])


def finding_part(mission, user) -> Cockpit:
    """Open findings, and how many are important (high or critical) (one query)."""
    counts = (
        Finding.objects.open()
        .filter(mission=mission)
        .aggregate(total=Count("pk"), important=Count("pk", filter=Q(importance__gte=Importance.HIGH)))
    )
    total, important = counts["total"], counts["important"]
    if total:
        figure = ngettext(
            "%(n)s constat dont %(important)s important",
            "%(n)s constats dont %(important)s importants",
            total,
        ) % {"n": total, "important": important}
        next_step = _("Relier chaque constat au PST, puis lire la synthèse")
    else:
        figure = _("Aucun constat")
        next_step = _("Tirer les besoins des questionnaires, entretiens et de l'inventaire")
    url = reverse("diagnostics:finding-list", args=[mission.pk])
    return Cockpit(parts=[Part("findings", _("Constats"), "bi-clipboard-check", figure, next_step, url, order=50)])


def diagnostic_parts(mission, user) -> Cockpit:
    cockpit = Cockpit()
    for part in (questionnaire_part, interview_part, inventory_part, finding_part):
        found = part(mission, user)
        cockpit.parts.extend(found.parts)
        cockpit.deadlines.extend(found.deadlines)
    return cockpit


# --- The dashboard's to-dos ---------------------------------------------------------------------------


def _open_mission(row):
    return next((m for m in row.missions if m.phase != Mission.Phase.CLOSED), None)


def diagnostic_todos(user, rows) -> list:
    """Questionnaires a staff or Collège member has to fill, inventory tools staff have to complete, and
    interviews past their date still « Planifié » for the consultant (one query each, for every commune)."""
    audience_of_role = {Role.STAFF: Audience.STAFF, Role.COLLEGE: Audience.COLLEGE}
    wanted = Q()
    for row in rows:
        if row.role in audience_of_role and _open_mission(row) is not None:
            wanted |= Q(mission__commune_id=row.commune.pk, audience=audience_of_role[row.role])
    todos = []
    if wanted:
        now = timezone.now()
        campaigns = (
            Campaign.objects.filter(wanted, opens_at__lte=now, closes_at__gt=now)
            .exclude(mission__phase=Mission.Phase.CLOSED)
            .exclude(responses__user=user, responses__submitted_at__isnull=False)
            .select_related("mission")
            .order_by("closes_at")
        )
        for campaign in campaigns:
            todos.append(
                Todo(
                    campaign.mission.commune_id,
                    _("Questionnaire « %(title)s » à remplir avant le %(date)s")
                    % {"title": campaign.title, "date": _short(campaign.closes_at)},
                    reverse("diagnostics:campaign-answer", args=[campaign.mission_id, campaign.pk]),
                    due=local_date(campaign.closes_at),
                    icon="bi-ui-checks",
                )
            )
    staff_rows = {row.commune.pk: row for row in rows if row.role == Role.STAFF and _open_mission(row)}
    if staff_rows:
        incomplete = (
            DigitalSystem.objects.incomplete()
            .filter(commune_id__in=staff_rows)
            .values_list("commune_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for commune_id, n in incomplete:
            mission = _open_mission(staff_rows[commune_id])
            todos.append(
                Todo(
                    commune_id,
                    ngettext("Inventaire : %(n)s outil à compléter", "Inventaire : %(n)s outils à compléter", n)
                    % {"n": n},
                    reverse("diagnostics:inventory", args=[mission.pk]),
                    icon="bi-hdd-network",
                )
            )
    consultant_missions = {
        mission.pk: row.commune.pk
        for row in rows
        if row.role == Role.CONSULTANT
        for mission in row.missions
        if mission.phase != Mission.Phase.CLOSED
    }
    if consultant_missions:
        overdue = (
            Interview.objects.filter(
                mission_id__in=consultant_missions, status=Interview.Status.PLANNED, scheduled_at__lt=timezone.now()
            )
            .values_list("mission_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for mission_id, n in overdue:
            todos.append(
                Todo(
                    consultant_missions[mission_id],
                    ngettext(
                        "%(n)s entretien passé encore « Planifié » : a-t-il eu lieu ?",
                        "%(n)s entretiens passés encore « Planifié » : ont-ils eu lieu ?",
                        n,
                    )
                    % {"n": n},
                    reverse("diagnostics:interviews", args=[mission_id]),
                    icon="bi-people",
                )
            )
    return todos
