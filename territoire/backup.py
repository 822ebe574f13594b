"""Backup and restore: the database and every stored file, in one tar archive.

One code path for every installation: SQLite is copied with SQLite's backup API (a consistent copy
while the site runs), PostgreSQL with ``pg_dump --format=custom`` and put back with ``pg_restore
--clean``; files are walked through Django's storage API, so a local MEDIA_ROOT and an S3 bucket are
saved and restored alike. ``manage.py backup`` and ``manage.py restore`` call these functions.

Archive layout: ``manifest.json`` (what, when, how many), ``database.sqlite3`` or ``database.pgdump``,
and ``files/<name in the storage>`` for each stored file.
"""

import io
import json
import logging
import os
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files/"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """The backup or the restore cannot go on; the message is French and meant for the operator."""


def stored_names(storage: Storage = default_storage, folder: str = "") -> Iterator[str]:
    """Every file name in the storage, folder by folder (a missing MEDIA_ROOT holds nothing)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}{name}"
    for name in sorted(folders):
        yield from stored_names(storage, f"{folder}{name}/")


def _pg_env() -> dict:
    settings = connection.settings_dict
    env = {**os.environ, "PGDATABASE": settings["NAME"]}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings.get(key):
            env[variable] = str(settings[key])
    return env


def _run(args: list[str]) -> None:
    try:
        result = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise BackupError(f"{args[0]} est introuvable : installez le paquet postgresql-client.") from error
    if result.returncode != 0:
        raise BackupError(f"{args[0]} a échoué : {result.stderr.strip()[-2000:]}")


def _engine() -> str:
    if connection.in_atomic_block:  # SQLite's copy would wait for our own open transaction forever
        raise BackupError("La sauvegarde et la restauration se lancent hors de toute transaction.")
    if connection.vendor not in DUMPS:
        raise BackupError(f"Base {connection.vendor} non prise en charge (SQLite ou PostgreSQL).")
    return connection.vendor


def _dump_database(folder: Path) -> Path:
    engine = _engine()
    target = folder / DUMPS[engine]
    if engine == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"])
    return target


def _load_database(dump: Path) -> None:
    if _engine() == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connection.close()  # our own session must not hold what pg_restore drops
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(dump),
            ]
        )


def backup_write(*, output: Path, storage: Storage = default_storage) -> dict:
    """Write the database and every stored file to the tar archive ``output``; returns the manifest.

    The archive is written under a temporary name and renamed at the end: a backup cut short never
    looks complete.
    """
    started = time.monotonic()
    partial = output.with_name(output.name + ".partial")
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "engine": _engine(),
        "database": str(connection.settings_dict["NAME"]),
        "storage": f"{type(storage).__module__}.{type(storage).__name__}",
        "files": 0,
        "bytes": 0,
    }
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(partial, "w") as tar:
        dump = _dump_database(Path(tmp))
        tar.add(dump, arcname=dump.name)
        for name in stored_names(storage):
            with storage.open(name, "rb") as handle:
                info = tarfile.TarInfo(FILES + name)
                info.size, info.mtime = handle.size, int(time.time())
                tar.addfile(info, handle)
            manifest["files"] += 1
            manifest["bytes"] += info.size
        data = json.dumps(manifest, indent=2).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime = len(data), int(time.time())
        tar.addfile(info, io.BytesIO(data))
    partial.replace(output)
    logger.info(
        "backup_written path=%s engine=%s files=%s bytes=%s duration_ms=%d",
        output,
        manifest["engine"],
        manifest["files"],
        manifest["bytes"],
        (time.monotonic() - started) * 1000,
    )
    return manifest


def backup_read_manifest(path: Path) -> dict:
    """The manifest of a backup archive; refuses anything that is not one."""
    try:
        with tarfile.open(path, "r:*") as tar:
            return json.load(tar.extractfile(MANIFEST))
    except FileNotFoundError as error:
        raise BackupError(f"Le fichier {path} n'existe pas.") from error
    except (tarfile.TarError, KeyError, TypeError, ValueError) as error:
        raise BackupError(f"{path} n'est pas une sauvegarde de Territoire.") from error


def _safe_name(member: tarfile.TarInfo) -> str:
    """The storage name of an archived file; refuses absolute paths and ``..`` (a tampered archive)."""
    name = member.name[len(FILES) :]
    parts = PurePosixPath(name).parts
    if not member.isfile() or not parts or name.startswith("/") or ".." in parts:
        raise BackupError(f"Entrée suspecte dans l'archive : {member.name!r}. Rien n'a été restauré.")
    return name


def backup_restore(*, path: Path, storage: Storage = default_storage) -> dict:
    """Put back the database and the files of the archive ``path``; returns its manifest.

    The database is replaced as a whole. Each archived file is written again under its own name (a file
    of that name is replaced); files stored since the backup are left where they are.
    """
    started = time.monotonic()
    manifest = backup_read_manifest(path)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Format de sauvegarde {manifest.get('format')!r} inconnu.")
    if manifest["engine"] != _engine():
        raise BackupError(
            f"Cette sauvegarde vient d'une base {manifest['engine']}, la base configurée est {_engine()} : "
            "restaurez-la sur le même type de base."
        )
    with tarfile.open(path, "r:*") as tar:
        members = [m for m in tar.getmembers() if m.name.startswith(FILES)]
        names = [_safe_name(m) for m in members]  # every name checked before anything is touched
        with tempfile.TemporaryDirectory() as tmp:
            dump = Path(tmp) / DUMPS[manifest["engine"]]
            dump.write_bytes(tar.extractfile(DUMPS[manifest["engine"]]).read())
            _load_database(dump)
        for member, name in zip(members, names, strict=True):
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, File(tar.extractfile(member), name=name))
            if saved != name:
                raise BackupError(f"Le fichier {name} a été restauré sous le nom {saved}.")
    logger.info(
        "backup_restored path=%s engine=%s files=%s duration_ms=%d",
        path,
        manifest["engine"],
        len(names),
        (time.monotonic() - started) * 1000,
    )
    return manifest
