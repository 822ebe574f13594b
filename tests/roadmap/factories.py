"""Factories of the roadmap's tables (project sheets, their lines, funding calls, templates; scoring adds its own)."""

import hashlib
from decimal import Decimal

import factory
from django.utils import timezone

from roadmap.models import (
    BudgetCategory,
    BudgetKind,
    BudgetLine,
    Criterion,
    CriterionDirection,
    FundingCall,
    FundingLine,
    FundingSource,
    MatrixRole,
    ProjectSheet,
    ReportStatus,
    ReportVersion,
    RoadmapVersion,
    Score,
    SheetIndicator,
    SheetRisk,
    SheetStatus,
    SheetTemplate,
)
from territoire.spreadsheets import Sheet, xlsx_bytes
from tests.factories import MissionFactory, UserFactory


class ProjectSheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectSheet
        skip_postgeneration_save = True

    mission = factory.SubFactory(MissionFactory)
    code = factory.Sequence(lambda n: f"FP-{n + 1:02d}")
    title = factory.Sequence(lambda n: f"Projet {n + 1}")
    status = SheetStatus.PROPOSED


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    sheet = factory.SubFactory(ProjectSheetFactory)
    label = factory.Sequence(lambda n: f"Dépense {n}")
    category = BudgetCategory.DEVELOPMENT
    kind = BudgetKind.INVESTMENT
    amount = Decimal("10000.00")

    class Params:
        running = factory.Trait(kind=BudgetKind.RUNNING, category=BudgetCategory.LICENCES)


class FundingCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingCall

    name = factory.Sequence(lambda n: f"Appel {n}")
    funder = "Wallonie"
    rate = Decimal("50.00")
    minimum_cost = None
    ceiling = None
    eligible_themes = factory.LazyFunction(list)
    deadline = None


class FundingLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingLine

    sheet = factory.SubFactory(ProjectSheetFactory)
    source = FundingSource.OWN_FUNDS
    amount = Decimal("1000.00")

    class Params:
        of_call = factory.Trait(source=FundingSource.CALL, amount=None, call=factory.SubFactory(FundingCallFactory))


class SheetTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SheetTemplate

    name = factory.Sequence(lambda n: f"Modèle {n}")
    theme = "mobility"
    content = factory.LazyFunction(
        lambda: {
            "context": "Contexte du modèle",
            "budget": [
                {
                    "label": "Application",
                    "category": "development",
                    "kind": "investment",
                    "amount": "5000.00",
                    "vat_rate": "21.00",
                }
            ],
            "risks": [{"risk": "Retard", "likelihood": "low", "mitigation": ""}],
            "indicators": [{"indicator": "Usagers", "target": "100", "unit": "personnes"}],
        }
    )


def roadmap_objects(tenant) -> dict:
    """A sheet with a line of each kind in the mission and a template of its consultant (isolation crawler)."""
    cache = tenant.__dict__.setdefault("_roadmap", {})
    if not cache:
        sheet = ProjectSheetFactory(mission=tenant.mission, title=f"Fiche de {tenant.commune.name}")
        BudgetLineFactory(sheet=sheet, label=f"Budget de {tenant.commune.name}")
        FundingLineFactory(sheet=sheet)
        SheetRisk.objects.create(sheet=sheet, risk=f"Risque de {tenant.commune.name}")
        SheetIndicator.objects.create(sheet=sheet, indicator="Usagers", target="10")
        cache.update(sheet=sheet, template=SheetTemplateFactory(owner=tenant.consultant))
    return cache


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    mission = factory.SubFactory(MissionFactory)
    code = factory.Sequence(lambda n: f"critere-{n + 1}")
    label = factory.Sequence(lambda n: f"Critère {n + 1}")
    weight = Decimal("1")
    position = factory.Sequence(lambda n: n)

    class Params:
        cost = factory.Trait(direction=CriterionDirection.LOWER_IS_BETTER, matrix_role=MatrixRole.EFFORT)
        impact = factory.Trait(matrix_role=MatrixRole.IMPACT)


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    sheet = factory.SubFactory(ProjectSheetFactory)
    criterion = factory.SubFactory(CriterionFactory, mission=factory.SelfAttribute("..sheet.mission"))
    consultant = factory.SubFactory(UserFactory)
    value = 3


def scoring_objects(tenant):
    """A sheet and a criterion of the tenant's mission, cached on the tenant (for the isolation crawler)."""
    cache = tenant.__dict__.setdefault("_scoring", {})
    if not cache:
        cache["sheet"] = roadmap_objects(tenant)["sheet"]
        cache["criterion"] = CriterionFactory(mission=tenant.mission)
    return cache


def version_objects(tenant):
    """A version submitted to the Collège for the tenant's mission, with a frozen sheet (isolation crawler)."""
    cache = tenant.__dict__.setdefault("_versions", {})
    if not cache:
        sheet = roadmap_objects(tenant)["sheet"]
        row = {"position": 1, "code": sheet.code, "title": sheet.title, "total": 50.0, "priority": 1, "badge": ""}
        cache["version"] = RoadmapVersion.objects.create(
            mission=tenant.mission,
            number=1,
            submitted_by=tenant.consultant,
            submitted_at=timezone.now(),
            note=f"Note de {tenant.commune.name}",
            snapshot={"ranking": [row], "not_ranked": [], "timeline": {"placements": [], "budget": []}},
        )
    return cache


FAKE_PDF = b"%PDF-1.7\n% rapport de test\n%%EOF\n"
FAKE_XLSX = xlsx_bytes(Sheet(title="Classement", header=["Code", "Intitulé"], rows=[]))


class ReportVersionFactory(factory.django.DjangoModelFactory):
    """A version of the final report, queued by default; ``done=True`` gives it a (tiny) published file."""

    class Meta:
        model = ReportVersion

    mission = factory.SubFactory(MissionFactory)
    number = factory.Sequence(lambda n: n + 1)
    requested_by = factory.SubFactory(UserFactory)
    snapshot = factory.LazyAttribute(lambda o: {"commune": {"name": o.mission.commune.name}, "mission": {}})

    class Params:
        done = factory.Trait(
            status=ReportStatus.DONE,
            progress=100,
            pages=1,
            size=len(FAKE_PDF),
            sha256=factory.LazyFunction(lambda: hashlib.sha256(FAKE_PDF).hexdigest()),
            started_at=factory.LazyFunction(timezone.now),
            finished_at=factory.LazyFunction(timezone.now),
            file=factory.django.FileField(filename="rapport-test.pdf", data=FAKE_PDF),
            annex_file=factory.django.FileField(filename="annexe-test.xlsx", data=FAKE_XLSX),
        )


def report_objects(tenant):
    """A rendered version of the report of the tenant's mission, asked by its consultant (isolation crawler)."""
    cache = tenant.__dict__.setdefault("_reports", {})
    if not cache:
        cache["report"] = ReportVersionFactory(
            mission=tenant.mission, number=1, requested_by=tenant.consultant, done=True
        )
    return cache
