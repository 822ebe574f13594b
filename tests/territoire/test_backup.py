"""manage.py backup / restore: the database (SQLite here, PostgreSQL in CI) and every stored file."""

import io
import json
import shutil
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from territoire.models import Commune, PSTImport
from tests.conftest import FIXTURES
from tests.factories import CommuneFactory
from tests.territoire.test_commune_files import PNG
from tests.territoire.test_pst_import import last_import, upload

SAMPLE = FIXTURES / "samples" / "pst_une_ligne_par_action.csv"


def make_data(client, tenant):
    """A commune with a logo and an uploaded PST: rows and files to get back."""
    tenant.commune.logo.save("logo.png", ContentFile(PNG))
    client.force_login(tenant.consultant)
    upload(client, tenant, SAMPLE.read_bytes(), name=SAMPLE.name)
    return last_import(tenant)


def backup(path) -> str:
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    return out.getvalue()


def restore(path, *args) -> str:
    out = io.StringIO()
    call_command("restore", str(path), *args, stdout=out)
    return out.getvalue()


def assert_all_back(client, tenant, pst_import):
    commune = Commune.objects.get(pk=tenant.commune.pk)
    restored = PSTImport.objects.get(pk=pst_import.pk)
    assert (commune.name, restored.status, restored.file.name) == (
        tenant.commune.name,
        PSTImport.Status.PREVIEW,
        pst_import.file.name,
    )
    # Through the pages, as the consultant (the session was saved with the rest).
    download = client.get(reverse("territoire:pst-import-file", args=[tenant.mission.pk, pst_import.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == SAMPLE.read_bytes()
    logo = client.get(reverse("territoire:commune-logo", args=[commune.pk]))
    assert b"".join(logo.streaming_content) == PNG


def test_a_restore_brings_back_a_wiped_platform(transactional_db, client, tenant_a, settings, tmp_path):
    pst_import = make_data(client, tenant_a)
    archive = tmp_path / "sauvegarde.tar"
    said = backup(archive)
    assert "Sauvegarde écrite" in said and "2 fichier(s)" in said
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["files"] == 2 and manifest["engine"] in {"sqlite", "postgresql"}

    # Everything lost: the commune (and all that hangs on it), the files, and one row added since.
    Commune.objects.all().delete()
    shutil.rmtree(settings.MEDIA_ROOT)
    CommuneFactory(name="Ajoutée après la sauvegarde")

    assert "Restauration terminée" in restore(archive, "--noinput")
    assert_all_back(client, tenant_a, pst_import)
    assert not Commune.objects.filter(name="Ajoutée après la sauvegarde").exists(), "the database is replaced"


def test_restore_asks_before_replacing_the_database(transactional_db, tenant_a, tmp_path, monkeypatch):
    archive = tmp_path / "sauvegarde.tar"
    backup(archive)
    Commune.objects.all().delete()
    monkeypatch.setattr("builtins.input", lambda prompt: "non")
    with pytest.raises(CommandError, match="rien n'a été modifié"):
        restore(archive)
    assert not Commune.objects.exists()
    monkeypatch.setattr("builtins.input", lambda prompt: "oui")
    restore(archive)
    assert Commune.objects.filter(pk=tenant_a.commune.pk).exists()


def test_backup_into_a_folder_names_the_archive_and_never_overwrites(transactional_db, tmp_path):
    said = backup(tmp_path)
    [archive] = tmp_path.glob("territoire-*.tar")
    assert str(archive) in said
    with pytest.raises(CommandError, match="existe déjà"):
        backup(archive)
    with pytest.raises(CommandError, match="n'existe pas"):
        backup(tmp_path / "absent" / "x.tar")
    assert not list(tmp_path.glob("*.partial"))


def test_restore_refuses_what_is_not_a_backup(transactional_db, tmp_path):
    with pytest.raises(CommandError, match="n'existe pas"):
        restore(tmp_path / "absent.tar", "--noinput")
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar at all")
    with pytest.raises(CommandError, match="n'est pas une sauvegarde"):
        restore(junk, "--noinput")


def tampered(path, manifest: dict, members: dict[str, bytes]):
    with tarfile.open(path, "w") as tar:
        for name, data in {"manifest.json": json.dumps(manifest).encode(), **members}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_restore_refuses_a_tampered_archive_before_touching_anything(transactional_db, tenant_a, tmp_path, settings):
    archive = tmp_path / "sauvegarde.tar"
    backup(archive)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        dump = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.name.startswith("database.")}
    evil = tmp_path / "evil.tar"
    tampered(evil, manifest, {**dump, "files/../../outside.txt": b"x"})
    CommuneFactory(name="Toujours là")
    with pytest.raises(CommandError, match="Entrée suspecte"):
        restore(evil, "--noinput")
    assert Commune.objects.filter(name="Toujours là").exists()
    assert not (tmp_path / "outside.txt").exists() and not (settings.MEDIA_ROOT.parent / "outside.txt").exists()

    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[manifest["engine"]]
    tampered(evil, {**manifest, "engine": other}, dump)
    with pytest.raises(CommandError, match="même type de base"):
        restore(evil, "--noinput")
    assert Commune.objects.filter(name="Toujours là").exists()


def test_backup_refuses_to_run_inside_a_transaction(db, tmp_path):
    with pytest.raises(CommandError, match="hors de toute transaction"):
        backup(tmp_path / "x.tar")
