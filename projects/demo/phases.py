"""Demo of the SPMM phases: the Sambrevaux e-guichet has answered its prerequisites checklist, moved to the
planning phase (one recorded transition) and started answering the planning questions; its team is the
commune's staff."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from projects.models import AnswerStatus, ChecklistAnswer, ChecklistQuestion, PhaseNote, PhaseTransition, ProjectPhase
from territoire.models import Membership, Role

# Answers to the prerequisites, by question order; the others are « oui ».
PREREQUISITE_ANSWERS = {
    5: (AnswerStatus.PARTIAL, "Le service des finances rejoindra l'équipe pour le module de paiement."),
    7: (AnswerStatus.YES, "Le site communal a été refondu en 2025 ; itsme et la signature eID sont disponibles."),
}
PLANNING_ANSWERS = {
    1: (AnswerStatus.YES, "Objectif : 40 % des demandes d'actes d'état civil en ligne après un an."),
    2: (AnswerStatus.PARTIAL, "Valeur de départ à mesurer au guichet en janvier."),
    6: (AnswerStatus.TODO, "Rencontre avec le DPO à planifier."),
}


def seed(project, ctx) -> None:
    staff = [
        m.user
        for m in Membership.objects.filter(commune=project.mission.commune, role=Role.STAFF).select_related("user")
    ]
    leader, consultant = project.leader or (staff[0] if staff else None), project.consultant
    now = timezone.now()
    with transaction.atomic():
        project.team.add(*staff)
        for phase, answers, day in (
            (ProjectPhase.PREREQUISITES, PREREQUISITE_ANSWERS, 20),
            (ProjectPhase.PLANNING, PLANNING_ANSWERS, 3),
        ):
            for question in ChecklistQuestion.objects.filter(phase=phase, active=True):
                default = (AnswerStatus.YES, "") if phase == ProjectPhase.PREREQUISITES else None
                status, note = answers.get(question.order, default) or (None, "")
                if status is None:
                    continue
                ChecklistAnswer.objects.update_or_create(
                    project=project,
                    question=question,
                    defaults={
                        "status": status,
                        "note": note,
                        "answered_by": leader,
                        "answered_at": now - timedelta(days=day),
                    },
                )
        PhaseNote.objects.get_or_create(
            project=project,
            phase=ProjectPhase.PREREQUISITES,
            defaults={
                "author": consultant,
                "text": "Réunion de lancement avec l'échevin de la transition numérique, l'état civil, la population "
                "et l'informatique : le projet démarre par les actes d'état civil et les cartes de stationnement.",
            },
        )
        if not project.transitions.exists():
            PhaseTransition.objects.create(
                project=project,
                from_phase=ProjectPhase.PREREQUISITES,
                to_phase=ProjectPhase.PLANNING,
                decided_by=consultant,
                decided_at=now - timedelta(days=14),
                comment="Prérequis remplis ; les finances rejoignent l'équipe pour le paiement en ligne.",
                open_items=0,
                notified_at=now - timedelta(days=14),
            )
        project.phase = ProjectPhase.PLANNING
        project.save(update_fields=["phase", "updated_at"])
