"""Reads of the interviews that combine several models: progress and who has not been met."""

from dataclasses import dataclass

from diagnostics.models import Interview, InterviewAudience, InterviewTarget
from diagnostics.models.interviews import DEFAULT_INTERVIEW_TARGET
from territoire.models import Membership, Role


@dataclass
class InterviewProgress:
    target: int
    done: int
    planned: int
    not_met: list  # Memberships (Collège and staff) nobody has interviewed yet
    planned_members: list  # Memberships with an interview planned but not done
    audiences_missing: list  # labels of audiences no done interview has covered
    people_by_audience: list  # (label, number of people met in done interviews)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.target)) if self.target else 100


def interview_target(mission) -> int:
    return (
        InterviewTarget.objects.filter(mission=mission).values_list("target", flat=True).first()
        or DEFAULT_INTERVIEW_TARGET
    )


def interview_progress(mission, interviews=None) -> InterviewProgress:
    """Counts from ``interviews`` when given (already loaded with their interviewees), else from the database."""
    if interviews is None:
        interviews = list(Interview.objects.filter(mission=mission).prefetch_related("interviewees"))
    done = [i for i in interviews if i.status == Interview.Status.DONE]
    planned = [i for i in interviews if i.status == Interview.Status.PLANNED]
    met = {p.member_id for i in done for p in i.interviewees.all() if p.member_id}
    to_meet = {p.member_id for i in planned for p in i.interviewees.all() if p.member_id}
    members = list(
        Membership.objects.filter(commune=mission.commune_id, role__in=[Role.COLLEGE, Role.STAFF])
        .select_related("user")
        .order_by("role", "user__last_name")
    )
    met_people = [p.audience for i in done for p in i.interviewees.all()]
    covered = set(met_people)
    return InterviewProgress(
        target=interview_target(mission),
        done=len(done),
        planned=len(planned),
        not_met=[m for m in members if m.pk not in met and m.pk not in to_meet],
        planned_members=[m for m in members if m.pk in to_meet and m.pk not in met],
        audiences_missing=[label for value, label in InterviewAudience.choices if value not in covered],
        people_by_audience=[(label, met_people.count(value)) for value, label in InterviewAudience.choices],
    )
