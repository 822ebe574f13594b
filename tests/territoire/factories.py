"""Factories of the PST: a PST, its nodes, an import; an export job."""

import json

import factory
from django.core.files.base import ContentFile

from territoire.models import PST, ExportJob, ExportKind, ExportStatus, NodeLevel, PSTImport, PSTNode
from tests.factories import CommuneFactory


class PSTFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PST
        django_get_or_create = ["commune", "start_year", "end_year", "entity"]

    commune = factory.SubFactory(CommuneFactory)
    entity = "commune"
    start_year = 2024
    end_year = 2030
    title = factory.LazyAttribute(lambda pst: f"PST 2024-2030 {pst.commune.name}")


class PSTNodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PSTNode
        skip_postgeneration_save = True

    pst = factory.SubFactory(PSTFactory)
    level = NodeLevel.ACTION
    code = factory.Sequence(lambda n: f"A.9.9.{n}")
    key = factory.LazyAttribute(lambda node: node.code.lower())
    title = factory.Sequence(lambda n: f"Action {n}")

    class Params:
        os = factory.Trait(level=NodeLevel.OS, code=factory.Sequence(lambda n: f"OS.{n}"))
        oo = factory.Trait(level=NodeLevel.OO, code=factory.Sequence(lambda n: f"OO.9.{n}"))

    @factory.post_generation
    def objectives(self, create, extracted, **kwargs):
        if create and extracted:
            self.objectives.set(extracted)


class PSTImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PSTImport

    commune = factory.SubFactory(CommuneFactory)
    file = factory.LazyFunction(lambda: ContentFile(b"Code;Intitule\nOS.1;Objectif\n", name="pst.csv"))
    file_name = "pst.csv"
    file_format = "csv"
    start_year = 2024
    end_year = 2030
    status = PSTImport.Status.PREVIEW
    payload = factory.LazyFunction(lambda: {"nodes": [], "errors": [], "meta": {}, "warnings": []})


def pst_tree(commune, *, actions_per_oo=2):
    """A small PST: OS.1 → OO.1.1, OO.1.2 → actions; returns (pst, os, [oo], [actions])."""
    pst = PSTFactory(commune=commune)
    os_node = PSTNodeFactory(
        pst=pst, level=NodeLevel.OS, code="OS.1", key="os.1", title="Mobilité douce", volet="externe"
    )
    oos, actions = [], []
    for i in (1, 2):
        oo = PSTNodeFactory(
            pst=pst, level=NodeLevel.OO, code=f"OO.1.{i}", key=f"oo.1.{i}", parent=os_node, title=f"Objectif {i}"
        )
        oos.append(oo)
        for j in range(1, actions_per_oo + 1):
            actions.append(
                PSTNodeFactory(
                    pst=pst,
                    code=f"A.1.{i}.{j}",
                    key=f"a.1.{i}.{j}",
                    title=f"Action {i}.{j}",
                    objectives=[oo],
                    service="Travaux" if j == 1 else "Informatique",
                    state="in_progress" if j == 1 else "done",
                )
            )
    return pst, os_node, oos, actions


class ExportJobFactory(factory.django.DjangoModelFactory):
    """A finished PST export of the commune, asked by ``requested_by``."""

    class Meta:
        model = ExportJob

    commune = factory.SubFactory(CommuneFactory)
    kind = ExportKind.PST_CSV
    params = factory.LazyAttribute(lambda job: {"pst": PSTFactory(commune=job.commune).pk})
    params_key = factory.LazyAttribute(lambda job: json.dumps(job.params, sort_keys=True, separators=(",", ":")))
    status = ExportStatus.DONE
    filename = "pst.csv"
    file = factory.LazyAttribute(lambda job: ContentFile(b"Volet;Code OS\r\n", name=job.filename))
