"""manage.py mission_export / mission_import: a whole mission to a zip and back into an emptied instance."""

import hashlib
import io
import json
import zipfile

import pytest
from django.apps import apps
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import CommandError, call_command
from django.db import models

from diagnostics.models import Audience
from territoire.backup import stored_names
from territoire.mission_archive import (
    EXCLUDED,
    MANIFEST,
    MissionArchiveError,
    exported_models,
    mission_export,
    mission_import,
)
from territoire.models import Commune, Mission, TenantQuerySet
from tests.conftest import make_tenant
from tests.diagnostics.factories import CampaignFactory, InvitationFactory, full_questionnaire
from tests.diagnostics.test_results import fill
from tests.factories import MissionFactory
from tests.url_kwargs import URL_KWARGS

NOT_COMPARED = {"sessions", "axes", "admin", "contenttypes"}


def rich_mission(tenant):
    """The tenant's mission with a row of every kind the four apps make (the isolation crawler's objects) and
    answered questionnaires (multiple-choice items, invitations, free text)."""
    for make in URL_KWARGS.values():
        make(tenant)
    questionnaire, q = full_questionnaire(tenant.mission)
    campaign = CampaignFactory(questionnaire=questionnaire, audience=Audience.OTHER, title="Habitants")
    InvitationFactory.create_batch(2, campaign=campaign)
    fill(campaign, q, 3)
    tenant.mission.referents.add(tenant.staff)
    return tenant.mission


def snapshot() -> dict:
    """Every row of every table (many-to-many tables included), by model label, ordered by primary key."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in NOT_COMPARED and model._meta.label != "auth.Permission":
            tables[model._meta.label] = list(model._base_manager.order_by("pk").values())
    return tables


def archived_tables() -> set:
    """The tables the archive holds whole: the mission's models, their many-to-many tables and history, users."""
    labels = {"auth.User"}
    for model in exported_models():
        labels.add(model._meta.label)
        labels |= {f.remote_field.through._meta.label for f in model._meta.many_to_many}
        history = getattr(model._meta, "simple_history_manager_attribute", None)
        if history:
            labels.add(getattr(model, history).model._meta.label)
    labels |= {
        m._meta.label
        for m in apps.get_models()
        if m._meta.label.rsplit("_", 1)[0] in labels and "_" in m._meta.model_name
    }
    return labels & set(snapshot_labels())


def snapshot_labels():
    return [m._meta.label for m in apps.get_models(include_auto_created=True) if m._meta.app_label not in NOT_COMPARED]


def without_stamps(row: dict) -> dict:
    return {key: value for key, value in row.items() if key not in {"created_at", "updated_at", "history_date"}}


def first_difference(before, after, label) -> tuple:
    """The first rows of a table that differ, field by field, for a readable failure."""
    if len(before[label]) != len(after[label]):
        return label, f"{len(before[label])} rows before, {len(after[label])} after"
    for old, new in zip(before[label], after[label], strict=True):
        if old != new:
            return label, {key: (old[key], new.get(key)) for key in old if old[key] != new.get(key)}
    return label, None


def stored_files(storage=default_storage) -> dict:
    files = {}
    for name in stored_names(storage):
        with storage.open(name) as handle:
            files[name] = handle.read()
    return files


def export(mission, path) -> dict:
    return mission_export(mission=mission, output=path)


def test_a_mission_exported_then_imported_into_an_emptied_instance_is_identical(transactional_db, tmp_path):
    call_command("flush", interactive=False)  # reference data numbered from 1, as on a new instance
    tenant_a = make_tenant("Commune A")
    mission = rich_mission(tenant_a)
    archive = tmp_path / "mission.zip"
    out = io.StringIO()
    call_command("mission_export", str(mission.pk), str(archive), stdout=out)
    assert "Export écrit" in out.getvalue()
    before, files_before = snapshot(), stored_files()
    left_files = {job.file.name for job in apps.get_model("territoire.ExportJob").objects.all() if job.file}
    with zipfile.ZipFile(archive) as zipped:
        manifest = json.loads(zipped.read(MANIFEST))
    assert manifest["counts"]["diagnostics.answeritem"] > 0 and manifest["counts"]["auth.user"] >= 3
    assert len(manifest["files"]) >= 6, manifest["files"]  # logo, PST import, report and annex, AMO documents

    call_command("flush", interactive=False)  # empties every table; reference data is seeded again
    for name in stored_names(default_storage):
        default_storage.delete(name)
    assert not Commune.objects.exists() and not stored_files()

    out = io.StringIO()
    call_command("mission_import", str(archive), stdout=out)
    assert "Import terminé" in out.getvalue()

    after = snapshot()
    mission_tables = archived_tables()
    differing = [label for label in mission_tables if before[label] != after[label]]
    assert not differing, [first_difference(before, after, label) for label in differing]
    # Reference data (funding calls, checklists...) was seeded again by the flush, with new timestamps; the rows
    # the mission points to came back identical (the foreign keys above are equal), none differs from before.
    for label in set(before) - mission_tables:
        previous = [without_stamps(row) for row in before[label]]
        assert all(without_stamps(row) in previous for row in after[label]), label
    assert sum(len(rows) for rows in before.values()) > 300  # a rich mission, not an empty one
    assert stored_files() == {name: data for name, data in files_before.items() if name not in left_files}

    # New rows are numbered after the imported ones (PostgreSQL's sequences were moved on).
    assert MissionFactory(commune=Commune.objects.get()).pk > mission.pk
    after = snapshot()
    # A second import finds everything there and changes nothing.
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("mission_import", str(archive))
    assert snapshot() == after


def test_every_model_of_a_commune_is_exported_or_excluded_with_a_reason():
    """A new model of a commune (a TenantQuerySet, or a foreign key to a model that has one) must go into the
    archive; leaving it out means adding it to EXCLUDED with the reason."""
    exported = {m._meta.label for m in exported_models()}
    for model in apps.get_models():
        if hasattr(model, "instance_type"):  # history rows follow their model
            continue
        tenant = issubclass(model._default_manager._queryset_class, TenantQuerySet) or any(
            isinstance(f, models.ForeignKey)
            and not f.null
            and issubclass(f.related_model._default_manager._queryset_class, TenantQuerySet)
            for f in model._meta.concrete_fields
        )
        if tenant:
            assert model._meta.label in exported | set(EXCLUDED), (
                f"{model._meta.label} is neither exported nor excluded"
            )
    assert exported.isdisjoint(EXCLUDED) and all(EXCLUDED.values())
    order = [m._meta.label for m in exported_models()]
    assert order.index("territoire.Commune") < order.index("territoire.Mission") < order.index("diagnostics.Answer")


def test_only_the_exported_mission_and_its_commune_go_into_the_archive(tenant_a, tenant_b, tmp_path):
    other_mission = MissionFactory(commune=tenant_a.commune, title="Autre mission")
    CampaignFactory(questionnaire=full_questionnaire(other_mission)[0], title="Campagne de l'autre mission")
    rich_mission(tenant_b)
    manifest = export(tenant_a.mission, tmp_path / "a.zip")
    with zipfile.ZipFile(tmp_path / "a.zip") as zipped:
        data = json.loads(zipped.read("data.json"))
    missions = [row["pk"] for row in data["rows"] if row["model"] == "territoire.mission"]
    assert missions == [tenant_a.mission.pk]
    communes = [row["pk"] for row in data["rows"] if row["model"] == "territoire.commune"]
    assert communes == [tenant_a.commune.pk]
    assert "diagnostics.campaign" not in manifest["counts"]
    usernames = {row["fields"]["username"] for row in data["users"]}
    assert tenant_a.consultant.username in usernames and tenant_b.consultant.username not in usernames
    assert not any("password" in row["fields"] and "groups" in row["fields"] for row in data["users"])


# --- Refused archives: nothing written --------------------------------------------------------------------


@pytest.fixture
def archive(tenant_a, tmp_path):
    rich_mission(tenant_a)
    path = tmp_path / "mission.zip"
    export(tenant_a.mission, path)
    return path


def rewrite(path, *, replace=None, drop=(), add=None, manifest=None):
    """A copy of the archive with members replaced, dropped or added, or its manifest changed."""
    target = path.with_name("modifiee.zip")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            if name in drop:
                continue
            data = (replace or {}).get(name, source.read(name))
            if name == MANIFEST and manifest:
                content = json.loads(data)
                manifest(content)
                data = json.dumps(content)
            out.writestr(name, data)
        for name, data in (add or {}).items():
            out.writestr(name, data)
    return target


def first_file(path) -> str:
    with zipfile.ZipFile(path) as zipped:
        return next(name for name in zipped.namelist() if name.startswith("files/"))


def assert_refused(path, message, **kwargs):
    missions, files = Mission.objects.count(), stored_files()
    with pytest.raises(MissionArchiveError, match=message):
        mission_import(path=path, **kwargs)
    assert Mission.objects.count() == missions and stored_files() == files


def test_an_archive_whose_file_was_changed_is_refused(archive):
    assert_refused(rewrite(archive, replace={first_file(archive): b"autre contenu"}), "empreinte")


def test_an_archive_whose_data_was_changed_is_refused(archive):
    with zipfile.ZipFile(archive) as zipped:
        data = zipped.read("data.json").replace(b"Commune A", b"Commune Z")
    assert_refused(rewrite(archive, replace={"data.json": data}), "empreinte")


def test_an_archive_that_slips_in_rows_of_another_table_is_refused_even_with_hashes_recomputed(archive):
    with zipfile.ZipFile(archive) as zipped:
        data = json.loads(zipped.read("data.json"))
    data["rows"].append({"model": "sessions.session", "pk": "x", "fields": {"session_data": "", "expire_date": None}})
    forged = json.dumps(data).encode()

    def recompute(manifest):
        manifest["data"] = {"size": len(forged), "sha256": hashlib.sha256(forged).hexdigest()}
        manifest["counts"]["sessions.session"] = 1

    assert_refused(rewrite(archive, replace={"data.json": forged}, manifest=recompute), "Ligne inattendue")


def test_an_archive_with_a_missing_or_an_extra_member_is_refused(archive):
    assert_refused(rewrite(archive, drop=[first_file(archive)]), "manquants")
    assert_refused(rewrite(archive, add={"files/../../etc/passwd": b"x"}), "en trop")


def test_a_member_named_outside_the_storage_is_refused(archive):
    def escape(manifest):
        manifest["files"]["../hors-stockage.txt"] = {"size": 1, "sha256": "0"}

    assert_refused(rewrite(archive, manifest=escape, add={"files/../hors-stockage.txt": b"x"}), "suspecte")


def test_a_member_longer_than_announced_is_refused_while_reading(archive):
    """A zip bomb: a small declared size, megabytes once decompressed. Reading stops past the announced size."""
    name = first_file(archive)
    bomb = rewrite(archive, replace={name: b"\0" * 50_000_000})
    with zipfile.ZipFile(bomb) as zipped:
        assert zipped.getinfo(name).compress_size < 100_000
    assert_refused(bomb, "plus long qu'annoncé")


def test_an_archive_bigger_than_allowed_once_decompressed_is_refused(archive):
    assert_refused(archive, "dépasse la taille permise", max_bytes=10_000)


def test_an_archive_of_other_migrations_is_refused(archive):
    def older(manifest):
        manifest["migrations"]["diagnostics"] = ["0004_integrity_of_deletes"]

    assert_refused(rewrite(archive, manifest=older), "migrations")


def test_something_that_is_not_an_archive_is_refused(tmp_path):
    path = tmp_path / "pas-une-archive.zip"
    path.write_bytes(b"bonjour")
    with pytest.raises(CommandError, match="n'est pas une archive"):
        call_command("mission_import", str(path))


class BreaksOnThirdFile(FileSystemStorage):
    saved = 0

    def _save(self, name, content):
        type(self).saved += 1
        if type(self).saved == 3:
            raise OSError("disque plein")
        return super()._save(name, content)


def test_an_import_that_fails_half_way_leaves_neither_rows_nor_files(transactional_db, tenant_a, tmp_path, settings):
    rich_mission(tenant_a)
    path = tmp_path / "mission.zip"
    export(tenant_a.mission, path)
    call_command("flush", interactive=False)
    before = snapshot()
    BreaksOnThirdFile.saved = 0
    storage = BreaksOnThirdFile(location=tmp_path / "vide")
    with pytest.raises(OSError, match="disque plein"):
        mission_import(path=path, storage=storage)
    assert snapshot() == before
    assert list(stored_names(storage)) == []


def test_export_refuses_an_existing_file_and_an_unknown_mission(tenant_a, tmp_path):
    existing = tmp_path / "deja.zip"
    existing.write_bytes(b"")
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("mission_export", str(tenant_a.mission.pk), str(existing))
    with pytest.raises(CommandError, match="n'existe pas"):
        call_command("mission_export", "999999", str(tmp_path / "x.zip"))


def test_file_fields_of_exported_models_are_all_read(archive):
    """Every FileField of an exported model that holds a file lands in the archive."""
    with zipfile.ZipFile(archive) as zipped:
        in_archive = {name.removeprefix("files/") for name in zipped.namelist() if name.startswith("files/")}
    for model in exported_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                for name in model._base_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True):
                    assert name in in_archive, (model, name)
