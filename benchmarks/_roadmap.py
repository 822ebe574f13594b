"""A scored mission for the roadmap benchmarks (ranking and timeline pages), built in bulk.

Call it inside the benchmark's own transaction, which is rolled back at the end: the database is left
as it was. Sheets get budget and funding lines when ``with_money`` (the timeline needs them).
"""

import random
from decimal import Decimal

from django.contrib.auth import get_user_model

from roadmap.models import BudgetLine, Criterion, FundingLine, ProjectSheet, Score, ScoringSubmission
from territoire.models import Commune, Membership, Mission, Role


def scored_mission(*, code, name, sheets, criteria, consultants, status, with_money=False, seed=0):
    """A mission of a new commune with ``sheets`` × ``criteria`` scored by ``consultants``, all submitted."""
    rng = random.Random(seed)
    commune = Commune.objects.create(name=name, code=code)
    users = [
        get_user_model().objects.create(username=f"bench-{code}-{k}", first_name=f"C{k}") for k in range(consultants)
    ]
    for user in users:
        Membership.objects.create(user=user, commune=commune, role=Role.CONSULTANT)
    mission = Mission.objects.create(commune=commune, title=f"Banc d'essai {name}")
    mission.referents.set(users)
    made_criteria = Criterion.objects.bulk_create(
        Criterion(mission=mission, code=f"c{j}", label=f"Critère {j}", weight=1 + j % 3, position=j,
                  direction="lower" if j == 0 else "higher",
                  matrix_role="effort" if j in (0, 1) else "impact" if j in (2, 3) else "none")
        for j in range(criteria)
    )  # fmt: skip
    made_sheets = ProjectSheet.objects.bulk_create(
        ProjectSheet(mission=mission, code=f"FP-{i:03d}", title=f"Projet {i}", status=status,
                     duration_months=rng.randint(3, 24), fte_internal=Decimal(rng.choice(["0.2", "0.5", "1"])))
        for i in range(sheets)
    )  # fmt: skip
    if with_money:
        BudgetLine.objects.bulk_create(
            BudgetLine(sheet=s, label="Investissement", category="development", kind=kind, amount=amount)
            for s in made_sheets
            for kind, amount in (
                ("investment", Decimal(rng.randint(5, 300) * 1000)),
                ("running", Decimal(rng.randint(0, 15) * 1000)),
            )
        )
        FundingLine.objects.bulk_create(
            FundingLine(sheet=s, source="other", status="granted", amount=Decimal(rng.randint(0, 5) * 1000))
            for s in made_sheets
        )
    Score.objects.bulk_create(
        Score(sheet=s, criterion=c, consultant=u, value=rng.randint(1, 5))
        for s in made_sheets
        for c in made_criteria
        for u in users
    )
    for i in range(1, sheets, 5):
        made_sheets[i].prerequisites.add(made_sheets[i - 1])
    ScoringSubmission.objects.bulk_create(ScoringSubmission(mission=mission, consultant=u) for u in users)
    return mission, users
