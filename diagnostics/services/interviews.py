"""Writes of the interviews: keyword-only ``<entity>_<action>`` functions taking their author (``by``, kept in
the history of interviews and of the people met)."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from diagnostics.models import GuideQuestion, Interview, Interviewee, InterviewGuide, InterviewTarget
from diagnostics.models.interviews import MAX_INTERVIEWEES
from diagnostics.services.findings import citation_refusal

INTERVIEW_FIELDS = (
    "scheduled_at",
    "duration_minutes",
    "location",
    "remote",
    "interviewer",
    "guide",
    "status",
    "notes",
)
PERSON_FIELDS = ("name", "function", "service", "audience", "member")

logger = logging.getLogger(__name__)


def _check_people(people):
    if not 1 <= len(people) <= MAX_INTERVIEWEES:
        raise ValidationError(
            _("Un entretien réunit une à %(max)s personnes (ici : %(count)s).")
            % {"max": MAX_INTERVIEWEES, "count": len(people)}
        )


def _people_create(interview: Interview, people: list[dict], by) -> None:
    rows = [
        Interviewee(interview=interview, **{k: p.get(k) or ("" if k != "member" else None) for k in PERSON_FIELDS})
        for p in people
    ]
    bulk_create_with_history(rows, Interviewee, default_user=by)


@transaction.atomic
def interview_create(*, mission, by, people: list[dict], **fields) -> Interview:
    _check_people(people)
    interview = Interview(mission=mission, **{k: fields[k] for k in INTERVIEW_FIELDS if k in fields})
    interview._history_user = by
    interview.save()
    _people_create(interview, people, by)
    logger.info(
        "interview_created interview=%s mission=%s people=%s by=%s", interview.pk, mission.pk, len(people), by.pk
    )
    return interview


@transaction.atomic
def interview_update(*, interview: Interview, by, people: list[dict], **fields) -> Interview:
    """Replace the interview's fields and its people (one to three) in one go."""
    _check_people(people)
    changed = [k for k in INTERVIEW_FIELDS if k in fields]
    for k in changed:
        setattr(interview, k, fields[k])
    interview._history_user = by
    interview.save(update_fields=[*changed, "updated_at"])
    for person in interview.interviewees.all():
        person._history_user = by
        person.delete()
    _people_create(interview, people, by)
    logger.info("interview_updated interview=%s people=%s by=%s", interview.pk, len(people), by.pk)
    return interview


def interview_set_status(*, interview: Interview, status: str, by) -> None:
    interview.status = status
    interview._history_user = by
    interview.save(update_fields=["status", "updated_at"])
    logger.info("interview_status_set interview=%s status=%s by=%s", interview.pk, status, by.pk)


@transaction.atomic
def interview_delete(*, interview: Interview, by) -> None:
    """Delete an interview, unless a finding cites it (ValidationError naming the findings)."""
    refusal = citation_refusal(interview.finding_sources.all(), interview)
    if refusal:
        raise ValidationError(refusal)
    interview_id = interview.pk
    for person in interview.interviewees.all():
        person._history_user = by
        person.delete()
    interview._history_user = by
    interview.delete()
    logger.info("interview_deleted interview=%s by=%s", interview_id, by.pk)


def interview_target_set(*, mission, target: int, by) -> InterviewTarget:
    row, _created = InterviewTarget.objects.update_or_create(mission=mission, defaults={"target": target})
    logger.info("interview_target_set mission=%s target=%s by=%s", mission.pk, target, by.pk)
    return row


@transaction.atomic
def guide_save(
    *, guide: InterviewGuide, author, title: str, intro: str, questions: dict[str, list[str]]
) -> InterviewGuide:
    """Create or update a consultant's guide with its questions (one list per audience)."""
    guide.author = author
    guide.title = title
    guide.intro = intro
    if guide.pk:
        guide.save(update_fields=["author", "title", "intro", "updated_at"])
        guide.questions.all().delete()
    else:
        guide.save()
    GuideQuestion.objects.bulk_create(
        [
            GuideQuestion(guide=guide, audience=audience, text=text, position=i)
            for audience, texts in questions.items()
            for i, text in enumerate(texts)
        ]
    )
    logger.info("guide_saved guide=%s by=%s", guide.pk, author.pk)
    return guide


@transaction.atomic
def guide_copy(*, guide: InterviewGuide, author) -> InterviewGuide:
    """A consultant's own copy of a guide (e.g. the built-in one), to adapt."""
    copy = InterviewGuide.objects.create(
        author=author, title=_("%(title)s (copie)") % {"title": guide.title}, intro=guide.intro
    )
    GuideQuestion.objects.bulk_create(
        [
            GuideQuestion(guide=copy, audience=q.audience, text=q.text, position=q.position)
            for q in guide.questions.all()
        ]
    )
    logger.info("guide_copied source=%s copy=%s by=%s", guide.pk, copy.pk, author.pk)
    return copy


# The built-in guide every consultant starts from (seeded by a migration, never edited in place).
BUILTIN_GUIDE_TITLE = "Guide d'entretien territoire intelligent"
BUILTIN_GUIDE_INTRO = (
    "Merci de nous recevoir. Cet entretien d'environ une heure nourrit le diagnostic « territoire intelligent » "
    "de la commune : il porte sur vos priorités, vos difficultés et vos idées. "
    "Vos propos ne seront pas cités nommément."
)
BUILTIN_GUIDE_QUESTIONS = {
    "college": [
        "Quelles sont les priorités de la législature que le numérique pourrait servir ?",
        "Quels projets du PST vous semblent les plus difficiles à mener, et pourquoi ?",
        "Comment les citoyens participent-ils aujourd'hui aux décisions de la commune ?",
        "Quels services aux citoyens aimeriez-vous voir en ligne d'ici la fin de la législature ?",
        "Quels moyens (budget, personnes) la commune peut-elle consacrer à ces projets ?",
    ],
    "staff": [
        "Décrivez une journée type de votre service : quelles tâches prennent le plus de temps ?",
        "Quels outils numériques utilisez-vous, et qu'en pensez-vous ?",
        "Encodez-vous les mêmes données à plusieurs endroits ? Lesquelles ?",
        "Quelles demandes des citoyens reviennent le plus souvent ?",
        "Si vous pouviez changer une chose dans votre travail grâce au numérique, laquelle ?",
    ],
    "civil_society": [
        "Comment votre association ou votre quartier échange-t-il avec la commune ?",
        "Quelles démarches communales vous semblent compliquées aujourd'hui ?",
        "Quels défis du territoire (mobilité, environnement, cohésion…) vous préoccupent le plus ?",
        "Seriez-vous prêt à participer à un projet pilote ou à un test avec des usagers ?",
    ],
}


def guide_builtin() -> InterviewGuide | None:
    """The built-in guide, read only: pages opened with GET never create it (the migration does)."""
    return InterviewGuide.objects.filter(author__isnull=True, title=BUILTIN_GUIDE_TITLE).first()


@transaction.atomic
def guide_ensure_builtin() -> InterviewGuide:
    """The built-in guide, created if missing (the demo data, a database emptied by tests)."""
    guide = InterviewGuide.objects.filter(author__isnull=True, title=BUILTIN_GUIDE_TITLE).first()
    if guide is None:
        guide = InterviewGuide.objects.create(author=None, title=BUILTIN_GUIDE_TITLE, intro=BUILTIN_GUIDE_INTRO)
        GuideQuestion.objects.bulk_create(
            [
                GuideQuestion(guide=guide, audience=audience, text=text, position=i)
                for audience, texts in BUILTIN_GUIDE_QUESTIONS.items()
                for i, text in enumerate(texts)
            ]
        )
    return guide
