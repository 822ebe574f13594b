"""Demo data of the diagnostic, called by ``seed_demo`` after ``territoire.demo`` (see its docstring).

Each module seeds one part of the diagnostic, in the order the later parts need: questionnaires
and campaigns with answers, then the fieldwork (interviews, workshops, inventory, initiatives),
then the findings drawn from all of the above.
"""

from diagnostics.demo import fieldwork, findings, questionnaires


def seed(ctx) -> None:
    questionnaires.seed(ctx)
    fieldwork.seed(ctx)
    findings.seed(ctx)
