"""The one place that answers "may this user see / do this?".

Policy
------
* The commune is the tenant. A user reaches a commune's data only through a ``Membership`` in
  that commune; its role (consultant, staff, college) says what they may do there. Superusers are
  the platform operators: they reach every commune with a consultant's rights.
* Objects are loaded with :func:`load`, never with ``Model.objects.get`` in a view. It filters the
  model's ``TenantQuerySet`` by the user's communes, so an object of another commune is a 404:
  we do not even confirm that it exists. A visible object with a forbidden action is a 403.
* Listings start from ``Model.objects.for_user(user)``; form choices likewise.
* Permission predicates are the named ``can_*`` functions below, each stating its rule. Views
  pass them to :func:`load` and templates call them through the ``can`` template filter, so a
  button and its view cannot disagree.

Why plain functions rather than django-rules: every rule here is "which role does this user have
in the object's commune", answered by one cached query per request; rules would wrap these same
functions in predicates and a registry without adding anything we use, and it would hide the
tenant filter, which must stay visible in querysets.

The test ``tests/territoire/test_url_isolation.py`` walks every URL of the project as a user of
another commune; a new view that forgets this module fails it.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

from territoire.models import Commune, Membership, Mission, Role, TenantQuerySet

_CACHE_ATTR = "_territoire_roles"


def roles_by_commune(user) -> dict[int, str]:
    """commune id → role, for the user's memberships (one query, cached on the user object)."""
    if not user.is_authenticated or not user.is_active:
        return {}
    roles = getattr(user, _CACHE_ATTR, None)
    if roles is None:
        roles = dict(Membership.objects.filter(user=user).values_list("commune_id", "role"))
        setattr(user, _CACHE_ATTR, roles)
    return roles


def role_in(user, commune: Commune | int) -> str | None:
    """The user's role in the commune, or None when they have no membership there."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.CONSULTANT
    commune_id = commune if isinstance(commune, int) else commune.pk
    return roles_by_commune(user).get(commune_id)


def visible_communes(user) -> QuerySet[Commune]:
    return Commune.objects.for_user(user)


# --- Predicates ---------------------------------------------------------------------------------
# Each takes (user, obj) where obj is the commune or any object of it (mission, questionnaire...).


def commune_of(obj) -> Commune:
    """The commune an object belongs to (the commune itself for a commune), via its TenantQuerySet."""
    if isinstance(obj, Commune):
        return obj
    return _queryset_class(obj).commune_of(obj)


def commune_id_of(obj) -> int | None:
    """The id of the commune an object belongs to, from its ``*_id`` columns: no query when the objects on
    the way are loaded or the path is one step long, at most one otherwise (see ``TenantQuerySet.commune_id_of``)."""
    if isinstance(obj, Commune):
        return obj.pk
    return _queryset_class(obj).commune_id_of(obj)


def _queryset_class(obj):
    queryset_class = type(obj)._default_manager._queryset_class
    if not issubclass(queryset_class, TenantQuerySet):
        raise TypeError(f"{type(obj).__name__} is not an object of a commune")
    return queryset_class


def _has_role(user, obj, *roles) -> bool:
    commune_id = commune_id_of(obj)
    return commune_id is not None and role_in(user, commune_id) in roles


def can_view(user, obj) -> bool:
    """Any member of the commune, whatever the role, may read the commune's missions and data."""
    return _has_role(user, obj, Role.CONSULTANT, Role.STAFF, Role.COLLEGE)


def can_manage_mission(user, obj) -> bool:
    """Only consultants of the commune create missions, change their phase, build and score."""
    return _has_role(user, obj, Role.CONSULTANT)


def can_contribute(user, obj) -> bool:
    """Consultants and communal staff keep the commune's data (inventory, answers, PST) up to date."""
    return _has_role(user, obj, Role.CONSULTANT, Role.STAFF)


def can_validate_roadmap(user, obj) -> bool:
    """The Collège validates the roadmap; consultants prepare it but do not validate it."""
    return _has_role(user, obj, Role.COLLEGE)


def can_score(user, mission) -> bool:
    """The consultants of a mission (its referents) score its project sheets and record consensus values;
    a consultant of the commune who is not a referent, staff and the Collège read the ranking but do not
    score. Operators (superusers) score like a consultant. One query (the referents) beyond the role."""
    if not _has_role(user, mission, Role.CONSULTANT):
        return False
    return user.is_superuser or mission.referents.filter(pk=user.pk).exists()


def can_download_reports(user, obj) -> bool:
    """Every member of the commune may download its published reports."""
    return can_view(user, obj)


def can_see_members(user, obj) -> bool:
    """Every member sees who else works on the commune (names, roles, functions)."""
    return can_view(user, obj)


def can_see_results(user, obj) -> bool:
    """Consultants and the Collège read questionnaire results; staff answer but do not read colleagues' answers."""
    return _has_role(user, obj, Role.CONSULTANT, Role.COLLEGE)


def can_conduct_interviews(user, obj) -> bool:
    """Interview notes hold what people said in confidence: only the commune's consultants read and write them."""
    return _has_role(user, obj, Role.CONSULTANT)


def can_read_interviews(user, obj) -> bool:
    """Interviews are confidences: only consultants learn who was met and when; a finding citing an interview
    shows everyone else « Entretien (confidentiel) », in pages, the synthesis and the report alike."""
    return _has_role(user, obj, Role.CONSULTANT)


def can_edit_project(user, project) -> bool:
    """A followed project (AMO) is kept by the commune's consultants and by the staff who own it — its leader and
    its team; other staff and the Collège read it. ``project`` is a ``projects.FollowedProject`` or any object of
    one whose ``project`` attribute leads to it (a milestone, an offer...)."""
    role = role_in(user, commune_id_of(project))
    if role == Role.CONSULTANT:
        return True
    if role != Role.STAFF:
        return False
    project = getattr(project, "project", project)
    return project.leader_id == user.pk or project.team.filter(pk=user.pk).exists()


def can_handle_personal_data(user, obj) -> bool:
    """Requests about a respondent's personal data (find, export, erase) are handled by the commune's consultants,
    who run the campaigns; staff and the Collège never see who answered what."""
    return _has_role(user, obj, Role.CONSULTANT)


def can_answer_campaign(user, campaign) -> bool:
    """A member answers a campaign logged in when it targets their role: Collège → Collège, staff → personnel."""
    wanted = {"college": Role.COLLEGE, "staff": Role.STAFF}.get(campaign.audience)
    return wanted is not None and _has_role(user, campaign, wanted)


# --- Loading ------------------------------------------------------------------------------------


def load(
    user,
    model_or_queryset: type[Model] | QuerySet,
    *,
    perm: Callable[[object, object], bool] = can_view,
    **lookup,
):
    """Return the object matching ``lookup`` among those the user may see, or raise.

    404 when it does not exist or belongs to a commune the user has no membership in;
    403 (PermissionDenied) when the user sees it but ``perm`` refuses the action.
    """
    queryset = (
        model_or_queryset if isinstance(model_or_queryset, QuerySet) else model_or_queryset._default_manager.all()
    )
    if not hasattr(queryset, "for_user"):
        raise TypeError(f"{queryset.model.__name__} has no tenant queryset")
    obj = get_object_or_404(queryset.for_user(user), **lookup)
    if not perm(user, obj):
        raise PermissionDenied
    return obj


def load_mission(user, mission_id: int, *, perm=can_view) -> Mission:
    return load(user, Mission.objects.select_related("commune"), pk=mission_id, perm=perm)


def load_commune(user, commune_id: int, *, perm=can_view) -> Commune:
    return load(user, Commune, pk=commune_id, perm=perm)


PREDICATES = {
    "view": can_view,
    "manage_mission": can_manage_mission,
    "contribute": can_contribute,
    "validate_roadmap": can_validate_roadmap,
    "score": can_score,
    "download_reports": can_download_reports,
    "see_members": can_see_members,
    "see_results": can_see_results,
    "answer_campaign": can_answer_campaign,
    "edit_project": can_edit_project,
    "conduct_interviews": can_conduct_interviews,
    "read_interviews": can_read_interviews,
    "handle_personal_data": can_handle_personal_data,
}
