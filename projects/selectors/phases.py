"""Reads of a project's SPMM phases: the checklist of a phase with the project's answers, what is still open."""

from dataclasses import dataclass

from projects.models import OPEN_STATUSES, AnswerStatus, ChecklistAnswer, ChecklistQuestion


@dataclass
class ChecklistRow:
    question: ChecklistQuestion
    answer: ChecklistAnswer | None

    @property
    def status(self) -> str:
        return self.answer.status if self.answer else AnswerStatus.TODO

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def checklist(project, phase: str) -> list[ChecklistRow]:
    """The active questions of the phase in their order, each with the project's answer (two queries)."""
    questions = list(ChecklistQuestion.objects.filter(phase=phase, active=True))
    answers = {
        a.question_id: a
        for a in ChecklistAnswer.objects.filter(project=project, question__in=questions).select_related("answered_by")
    }
    return [ChecklistRow(question, answers.get(question.pk)) for question in questions]


def open_rows(project, phase: str) -> list[ChecklistRow]:
    """Questions of the phase not answered, answered « non » or left « à traiter »."""
    return [row for row in checklist(project, phase) if row.is_open]
