import pytest

from territoire.models import Role
from tests.factories import member
from tests.roadmap.factories import CriterionFactory, ProjectSheetFactory, ScoreFactory

# Hand-computed case: 2 consultants × 3 sheets × 3 criteria on 1–5 scales.
# cost (lower is better, weight 2, effort), impact (weight 1, impact), pst (weight 1, impact): weights .5/.25/.25.
#   FP-01: cost 1,1  impact 5,5  pst 4,4 → 50 + 25 + 18.75 = 93.75  priorité 1, quick win
#   FP-02: cost 3,3  impact 3,3  pst 3,3 → 25 + 12.5 + 12.5 = 50    priorité 2 (50 ≥ 50), quick win (middle)
#   FP-03: cost 5,5  impact 2,4  pst 1,5 → 0 + 12.5 + 12.5 = 25     priorité 3, major project;
#          pst spread 4 > 2 → disagreement; impact spread 2 is not above the threshold.
SCORES = {
    "FP-01": {"cost": (1, 1), "impact": (5, 5), "pst": (4, 4)},
    "FP-02": {"cost": (3, 3), "impact": (3, 3), "pst": (3, 3)},
    "FP-03": {"cost": (5, 5), "impact": (2, 4), "pst": (1, 5)},
}


@pytest.fixture
def case(tenant_a):
    """tenant_a's mission with a second referent, three sheets, three criteria and every score."""
    mission = tenant_a.mission
    second = member(tenant_a.commune, Role.CONSULTANT, user__first_name="Zoé", user__last_name="Zimmer")
    tenant_a.consultant.first_name, tenant_a.consultant.last_name = "Alice", "Aubry"
    tenant_a.consultant.save(update_fields=["first_name", "last_name"])
    mission.referents.add(second)
    criteria = {
        "cost": CriterionFactory(mission=mission, code="cost", label="Budget", weight=2, cost=True, position=1),
        "impact": CriterionFactory(mission=mission, code="impact", label="Impact", impact=True, position=2),
        "pst": CriterionFactory(mission=mission, code="pst", label="Alignement PST", impact=True, position=3),
    }
    sheets = {code: ProjectSheetFactory(mission=mission, code=code, title=f"Projet {code}") for code in SCORES}
    for code, row in SCORES.items():
        for criterion, (first_value, second_value) in row.items():
            ScoreFactory(
                sheet=sheets[code], criterion=criteria[criterion], consultant=tenant_a.consultant, value=first_value
            )
            ScoreFactory(sheet=sheets[code], criterion=criteria[criterion], consultant=second, value=second_value)
    return {"tenant": tenant_a, "mission": mission, "second": second, "criteria": criteria, "sheets": sheets}
