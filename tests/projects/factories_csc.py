"""Factories of the CSC and procurement: a specification with its sections, a lot, a requirement, criteria
(price 60, quality 40); a procurement with offers. ``csc_objects(tenant)`` feeds the isolation crawler."""

from datetime import date, datetime
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from projects.models import (
    AwardCriterion,
    DocumentRender,
    Lot,
    Offer,
    OfferDocument,
    Procurement,
    Requirement,
    SectionKind,
    Specification,
    SpecSection,
)
from tests.projects.factories import FollowedProjectFactory, project_objects


class SpecificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Specification
        skip_postgeneration_save = True

    project = factory.SubFactory(FollowedProjectFactory)
    title = factory.Sequence(lambda n: f"CSC {n}")

    @factory.post_generation
    def with_sections(obj, create, extracted, **kwargs):
        if create:
            SpecSection.objects.bulk_create(SpecSection(specification=obj, kind=kind) for kind in SectionKind)
            AwardCriterion.objects.create(specification=obj, label="Prix", kind="price", weight=60, position=1)
            AwardCriterion.objects.create(specification=obj, label="Qualité", kind="quality", weight=40, position=2)


class ProcurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procurement

    specification = factory.SubFactory(SpecificationFactory)
    project = factory.SelfAttribute("specification.project")
    title = factory.Sequence(lambda n: f"Marché {n}")
    nature = "services"
    estimated_amount = Decimal("100000")
    planned_launch = date(2026, 3, 1)


def aware(*args) -> datetime:
    """A datetime of the site's time zone (Brussels)."""
    return datetime(*args, tzinfo=timezone.get_current_timezone())


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    procurement = factory.SubFactory(ProcurementFactory)
    provider = factory.Sequence(lambda n: f"Prestataire {n}")
    received_at = factory.LazyFunction(lambda: aware(2026, 3, 10, 10))
    price = Decimal("90000")


def csc_objects(tenant) -> dict:
    cache = tenant.__dict__.setdefault("_csc", {})
    if not cache:
        project = project_objects(tenant)["project"]
        specification = SpecificationFactory(project=project)
        lot = Lot.objects.create(specification=specification, number=1, title="Application", estimated_amount=50000)
        requirement = Requirement.objects.create(specification=specification, text="API documentée", position=1)
        procurement = ProcurementFactory(specification=specification, project=project)
        offer = OfferFactory(procurement=procurement)
        document = OfferDocument(offer=offer, name="offre.pdf")
        document.file.save("offre.pdf", ContentFile(b"%PDF-1.4 offre"), save=True)
        render = DocumentRender(
            project=project, specification=specification, format="pdf", requested_by=tenant.consultant
        )
        render.save()
        render.file.save("csc.pdf", ContentFile(b"%PDF-1.4 csc"), save=False)
        render.filename, render.status = "csc.pdf", "done"
        render.save()
        cache.update(
            specification=specification,
            section=specification.sections.get(kind=SectionKind.OBJECT),
            lot=lot,
            requirement=requirement,
            procurement=procurement,
            offer=offer,
            document=document,
            render=render,
        )
    return cache
