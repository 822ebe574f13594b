"""One mission and its commune to a zip archive, and back into an empty instance.

``manage.py mission_export`` and ``manage.py mission_import`` call :func:`mission_export` and
:func:`mission_import`. Unlike ``manage.py backup`` (the whole instance, one database engine), the archive holds
rows serialised by Django (JSON), so it moves a mission from SQLite to PostgreSQL and from one instance to another.

Which rows
----------
The models are found by walking the app registry, so a new model is covered without touching this module:

* every model with a ``TenantQuerySet`` (or a chain of foreign keys to one, like ``AnswerItem``) is a *tenant*
  model. When its path to the commune goes through the mission, the rows of the exported mission are taken;
  otherwise the commune's rows (memberships, PST, inventory of digital systems);
* the history rows (django-simple-history) of every exported row, and their many-to-many history;
* the users those rows point to (members, referents, authors...), without their groups and permissions;
* *reference* rows pointed to from outside the commune (funding calls, SPMM checklist questions, the interview
  guide, a template questionnaire): on import, an identical row already there is kept, a different one refuses
  the import.

``EXCLUDED`` names the tenant models left out on purpose, with the reason.

Archive layout: ``manifest.json`` (format, migrations, counts per model, SHA-256 and size of every member),
``data.json`` ({"users": [...], "references": [...], "rows": [...]}, Django's serialised objects in dependency
order), and ``files/<name in the storage>`` for each stored file (read and written through the storage API).
"""

import datetime
import graphlib
import hashlib
import io
import json
import logging
import tempfile
import time
import zipfile
from collections import defaultdict
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from territoire.models import Commune, Mission, TenantQuerySet

logger = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
DATA = "data.json"
FILES = "files/"
CHUNK = 1024 * 1024
MAX_BYTES = 4 * 1024**3
"""Refuse an archive whose members, once decompressed, add up to more (counted while reading: a zip's
declared sizes can lie)."""
MAX_MEMBERS = 100_000

EXCLUDED = {
    "territoire.ExportJob": "exports à la demande, purgés après 7 jours : on les relance",
}
"""Tenant models that are not exported, with the reason (label → French reason)."""

User = get_user_model()
USER_FIELDS_LEFT_OUT = ("groups", "user_permissions")


class MissionArchiveError(Exception):
    """The export or the import cannot go on; the message is French and meant for the operator."""


# --- Which models, which rows --------------------------------------------------------------------------


def _history_model(model):
    """The historical model of ``model`` (django-simple-history), or None."""
    name = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, name).model if name else None


def _is_history(model) -> bool:
    return hasattr(model, "instance_type") or any(
        f.name == "history" and f.many_to_one and hasattr(f.related_model, "instance_type")
        for f in model._meta.concrete_fields
    )


def commune_path(model) -> str | None:
    """The lookup from ``model`` to its commune: its ``TenantQuerySet.commune_lookup``, or a chain of non-null
    foreign keys to a tenant model (``answer__response__campaign__mission__commune``); None when there is none."""
    if model is Commune:
        return "pk"
    queryset_class = model._default_manager._queryset_class
    if issubclass(queryset_class, TenantQuerySet):
        return queryset_class.commune_lookup
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and not field.null and field.related_model is not model:
            rest = commune_path(field.related_model)
            if rest is not None:
                return f"{field.name}__{rest}" if rest != "pk" else field.name
    return None


def tenant_models() -> list:
    """Every model whose rows belong to a commune (historical models apart), in the registry's order."""
    return [m for m in apps.get_models() if not _is_history(m) and commune_path(m) is not None]


def exported_models() -> list:
    """The tenant models the archive holds, parents before children (cosmetic: foreign keys are checked at the
    end of the import's transaction; a nullable key that closes a cycle, like Procurement.awarded_offer, is
    left out of the order)."""
    chosen = [m for m in tenant_models() if m._meta.label not in EXCLUDED]
    edges = {
        model: {
            (f.related_model, f.null)
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model in chosen and f.related_model is not model
        }
        for model in chosen
    }
    while True:
        try:
            order = list(graphlib.TopologicalSorter({m: {t for t, _ in e} for m, e in edges.items()}).static_order())
        except graphlib.CycleError as error:
            cycle = error.args[1]
            model, target = next((a, b) for b, a in zip(cycle, cycle[1:], strict=False) if (b, True) in edges[a])
            edges[model].discard((target, True))
        else:
            return order


def _rows(model, mission: Mission):
    path = commune_path(model)
    parts = path.split("__")
    if model is Mission:
        lookup = {"pk": mission.pk}
    elif "mission" in parts:
        prefix = "__".join(parts[: parts.index("mission") + 1])
        lookup = {prefix: mission}
    elif path == "pk":
        lookup = {"pk": mission.commune_id}
    else:
        lookup = {path: mission.commune_id}
    return model._base_manager.filter(**lookup).order_by("pk")


def _history_throughs(history) -> list:
    """Many-to-many history tables (HistoricalMission_referents): they hang on the historical rows."""
    return [
        through
        for through in apps.get_models()
        if through is not history
        and any(f.name == "history" and f.related_model is history for f in through._meta.concrete_fields)
    ]


def _history_rows(model, pks: list) -> list:
    history = _history_model(model)
    if history is None or not pks:
        return []
    rows = list(history._base_manager.filter(**{model._meta.pk.attname + "__in": pks}).order_by("pk"))
    for through in _history_throughs(history):
        rows += list(through._base_manager.filter(history__in=[r.pk for r in rows]).order_by("pk"))
    return rows


def archived_labels() -> dict:
    """Which models each part of an archive may hold (lowercase labels): a tampered archive whose hashes were
    recomputed still cannot slip in a session, a permission or a row of a table the export never writes."""
    rows = set()
    for model in exported_models():
        rows.add(model._meta.label_lower)
        rows |= {f.remote_field.through._meta.label_lower for f in model._meta.many_to_many}
        history = _history_model(model)
        if history is not None:
            rows.add(history._meta.label_lower)
            rows |= {through._meta.label_lower for through in _history_throughs(history)}
    # Reference rows belong to no commune: models without a path to one, or whose path may be empty (a template
    # questionnaire has no mission).
    references = {
        m._meta.label_lower
        for m in apps.get_models()
        if m is not User
        and not _is_history(m)
        and m._meta.app_label in {x.split(".")[0] for x in rows}
        and (commune_path(m) is None or (m is not Commune and m._meta.get_field(commune_path(m).split("__")[0]).null))
    }
    return {"users": {User._meta.label_lower}, "references": references, "rows": rows}


def _targets(obj) -> list:
    """The rows ``obj`` points to (foreign keys and many-to-many), as (model, pk) pairs."""
    found = []
    for field in obj._meta.concrete_fields:
        if field.is_relation and field.related_model is not None:
            value = getattr(obj, field.attname)
            if value is not None and not (field.model is User and field.name in USER_FIELDS_LEFT_OUT):
                found.append((field.related_model, value))
    for field in obj._meta.many_to_many:
        if obj._meta.model is User and field.name in USER_FIELDS_LEFT_OUT:
            continue
        for pk in getattr(obj, field.name).values_list("pk", flat=True):
            found.append((field.related_model, pk))
    return found


def collect(mission: Mission) -> dict:
    """The objects of the archive: {"rows": [...], "users": [...], "references": [...]}."""
    rows = []
    exported = defaultdict(set)  # model → pks
    for model in exported_models():
        objects = list(_rows(model, mission))
        rows += objects
        exported[model].update(o.pk for o in objects)
    for model in exported_models():
        # Many-to-many links as rows of their own table: their ids come back as they were (``.set()`` on import
        # would number them anew).
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created and exported[model]:
                links = list(through._base_manager.filter(**{f"{field.m2m_field_name()}__in": exported[model]}))
                rows += links
                exported[through].update(link.pk for link in links)
    for model in exported_models():
        history = _history_rows(model, sorted(exported[model]))
        rows += history
        for row in history:
            exported[type(row)].add(row.pk)
    users, references = {}, {}
    pending = [target for obj in rows for target in _targets(obj)]
    while pending:
        model, pk = pending.pop()
        model = model._meta.concrete_model
        if pk in exported[model] or (model is User and pk in users) or (model, pk) in references:
            continue
        obj = model._base_manager.get(pk=pk)
        if model is User:
            users[pk] = obj
        else:
            if commune_path(model) is not None and _commune_id(obj) is not None:
                raise MissionArchiveError(
                    f"{model._meta.label} #{pk} appartient à une autre mission ou commune : export refusé."
                )
            references[(model, pk)] = obj
        pending += _targets(obj)
    ordered_references = sorted(references.values(), key=lambda o: (o._meta.label, o.pk))
    return {"users": sorted(users.values(), key=lambda u: u.pk), "references": ordered_references, "rows": rows}


def _commune_id(obj):
    path = commune_path(type(obj))
    if path == "pk":
        return obj.pk
    return type(obj)._base_manager.filter(pk=obj.pk).values_list(path, flat=True).first()


def migration_heads() -> dict:
    """app label → sorted leaf migration names, for the apps whose rows the archive can hold."""
    heads = defaultdict(list)
    for app_label, name in MigrationLoader(connection, ignore_no_migrations=True).graph.leaf_nodes():
        heads[app_label].append(name)
    labels = {m._meta.app_label for m in exported_models()} | {User._meta.app_label}
    return {label: sorted(heads[label]) for label in sorted(labels)}


def _serialize(objects, **kwargs) -> list:
    """Django's serialised form, without many-to-many values: the archive holds their tables' rows instead."""
    rows = serializers.serialize("python", objects, **kwargs)
    for row, obj in zip(rows, objects, strict=True):
        for field in obj._meta.many_to_many:
            row["fields"].pop(field.name, None)
    return rows


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder without its rounding of times to the millisecond: the archive keeps microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _user_fields() -> list:
    return [
        f.name
        for f in User._meta.get_fields()
        if f.concrete and f.name not in USER_FIELDS_LEFT_OUT and not f.primary_key
    ]


def _stored_files(objects) -> list[str]:
    names = []
    for obj in objects:
        for field in obj._meta.concrete_fields:
            if isinstance(field, models.FileField):
                name = getattr(obj, field.attname)
                if name:
                    names.append(str(name))
    return sorted(set(names))


# --- Export --------------------------------------------------------------------------------------------


def mission_export(*, mission: Mission, output: Path, storage: Storage = default_storage) -> dict:
    """Write the mission, its commune and every file they hold to the zip ``output``; returns the manifest.

    Written under a temporary name and renamed at the end: an export cut short never looks complete.
    """
    started = time.monotonic()
    found = collect(mission)
    data = json.dumps(
        {
            "users": _serialize(found["users"], fields=_user_fields()),
            "references": _serialize(found["references"]),
            "rows": _serialize(found["rows"]),
        },
        cls=_Encoder,
        indent=1,
    ).encode()
    counts = defaultdict(int)
    for obj in found["users"] + found["references"] + found["rows"]:
        counts[obj._meta.label_lower] += 1
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "mission": mission.pk,
        "commune": {"pk": mission.commune_id, "code": mission.commune.code, "name": mission.commune.name},
        "migrations": migration_heads(),
        "counts": dict(sorted(counts.items())),
        "data": {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()},
        "files": {},
    }
    partial = output.with_name(output.name + ".partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(DATA, data)
            for name in _stored_files(found["rows"]):
                digest, size = hashlib.sha256(), 0
                with storage.open(name, "rb") as source, archive.open(FILES + name, "w", force_zip64=True) as target:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        target.write(chunk)
                manifest["files"][name] = {"size": size, "sha256": digest.hexdigest()}
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    logger.info(
        "mission_exported mission=%s path=%s rows=%s files=%s duration_ms=%d",
        mission.pk,
        output,
        sum(counts.values()),
        len(manifest["files"]),
        (time.monotonic() - started) * 1000,
    )
    return manifest


# --- Import --------------------------------------------------------------------------------------------


class _Reader:
    """Reads members of the zip while counting the bytes really decompressed, whatever the zip declares."""

    def __init__(self, archive: zipfile.ZipFile, max_bytes: int):
        self.archive, self.left = archive, max_bytes

    def copy(self, name: str, target, *, size: int | None = None, sha256: str | None = None) -> None:
        digest, count = hashlib.sha256(), 0
        with self.archive.open(name) as source:
            while chunk := source.read(CHUNK):
                count += len(chunk)
                self.left -= len(chunk)
                if self.left < 0:
                    raise MissionArchiveError("L'archive décompressée dépasse la taille permise : import refusé.")
                if size is not None and count > size:
                    raise MissionArchiveError(f"{name} est plus long qu'annoncé : archive modifiée, import refusé.")
                digest.update(chunk)
                target.write(chunk)
        if (size is not None and count != size) or (sha256 is not None and digest.hexdigest() != sha256):
            raise MissionArchiveError(f"{name} ne correspond pas à son empreinte : archive modifiée, import refusé.")

    def read(self, name: str, **expected) -> bytes:
        buffer = io.BytesIO()
        self.copy(name, buffer, **expected)
        return buffer.getvalue()


def _safe_name(name: str) -> str:
    parts = PurePosixPath(name).parts
    if not parts or name.startswith("/") or ".." in parts or "\\" in name:
        raise MissionArchiveError(f"Entrée suspecte dans l'archive : {name!r}. Rien n'a été importé.")
    return name


def mission_read_manifest(archive: zipfile.ZipFile, reader: _Reader) -> dict:
    names = archive.namelist()
    if len(names) > MAX_MEMBERS or len(set(names)) != len(names):
        raise MissionArchiveError("L'archive a trop d'entrées ou des entrées en double : import refusé.")
    if MANIFEST not in names:
        raise MissionArchiveError("Ce fichier n'est pas un export de mission de Territoire (pas de manifeste).")
    try:
        manifest = json.loads(reader.read(MANIFEST, size=None))
        files = manifest["files"]
        if manifest.get("format") != FORMAT:
            raise MissionArchiveError(f"Format d'export {manifest.get('format')!r} inconnu.")
    except (ValueError, KeyError, TypeError) as error:
        raise MissionArchiveError("Le manifeste de l'archive est illisible : import refusé.") from error
    wanted = {MANIFEST, DATA} | {FILES + _safe_name(name) for name in files}
    if set(names) != wanted:
        missing, extra = sorted(wanted - set(names)), sorted(set(names) - wanted)
        raise MissionArchiveError(
            f"L'archive ne correspond pas à son manifeste (manquants : {missing or '-'}, en trop : {extra or '-'}) : "
            "import refusé."
        )
    return manifest


def _check_empty(payload: dict, manifest: dict, storage: Storage) -> None:
    """Refuse when anything of the archive is already here; reference rows may be, if identical."""
    code = manifest["commune"]["code"]
    if Commune.objects.filter(code=code).exists():
        raise MissionArchiveError(
            f"La commune {code} existe déjà sur cette instance : importez dans une instance vide."
        )
    usernames = [u["fields"]["username"] for u in payload["users"]]
    taken = list(User._base_manager.filter(username__in=usernames).values_list("username", flat=True))
    if taken or User._base_manager.filter(pk__in=[u["pk"] for u in payload["users"]]).exists():
        raise MissionArchiveError(
            f"Des utilisateurs de l'archive existent déjà ({', '.join(sorted(taken)) or 'mêmes identifiants'}) : "
            "importez dans une instance vide."
        )
    by_model = defaultdict(list)
    for row in payload["rows"]:
        by_model[row["model"]].append(row["pk"])
    for label, pks in by_model.items():
        if apps.get_model(label)._base_manager.filter(pk__in=pks).exists():
            raise MissionArchiveError(
                f"Des lignes {label} de l'archive existent déjà : importez dans une instance vide."
            )
    for row in payload["references"]:
        model = apps.get_model(row["model"])
        path = commune_path(model)
        if path is not None and row["fields"].get(path.split("__")[0]) is not None:
            raise MissionArchiveError(f"{row['model']} #{row['pk']} appartient à une commune : archive modifiée.")
        existing = model._base_manager.filter(pk=row["pk"]).first()
        if existing is not None and _content(model, _serialize([existing])[0]["fields"]) != _content(
            model, row["fields"]
        ):
            raise MissionArchiveError(
                f"{row['model']} #{row['pk']} existe ici avec un autre contenu : importez dans une instance vide."
            )
    for name in manifest["files"]:
        if storage.exists(name):
            raise MissionArchiveError(f"Le fichier {name} existe déjà dans le stockage : import refusé.")


def _content(model, fields: dict) -> dict:
    """A reference row's fields as the archive's JSON holds them, without its timestamps (auto_now, auto_now_add):
    a funding call seeded on both instances is the same call whatever the day of the seeding."""
    stamps = {
        f.name
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    return {name: value for name, value in json.loads(json.dumps(fields, cls=_Encoder)).items() if name not in stamps}


def _save(rows: list, *, skip_existing: bool = False) -> set:
    models_seen = set()
    for deserialized in serializers.deserialize("python", rows, handle_forward_references=True):
        instance = deserialized.object
        if skip_existing and type(instance)._base_manager.filter(pk=instance.pk).exists():
            continue
        instance.skip_history_when_saving = True  # the archive brings its own history rows
        deserialized.save()
        models_seen.add(type(instance))
    return models_seen


def mission_import(*, path: Path, storage: Storage = default_storage, max_bytes: int = MAX_BYTES) -> dict:
    """Load an archive of :func:`mission_export` into this instance; returns its manifest.

    Everything is checked before anything is written: the archive against its manifest (names, sizes, SHA-256,
    decompressed bytes counted), the migrations against this instance's, and that none of its commune, users,
    rows or files is already here. Rows are written in one transaction; files are written at its end and
    deleted again if anything fails, so an import happens entirely or not at all.
    """
    started = time.monotonic()
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as error:
        raise MissionArchiveError(f"Le fichier {path} n'existe pas.") from error
    except zipfile.BadZipFile as error:
        raise MissionArchiveError(f"{path} n'est pas une archive zip.") from error
    with archive, tempfile.TemporaryDirectory() as tmp:
        reader = _Reader(archive, max_bytes)
        manifest = mission_read_manifest(archive, reader)
        if manifest["migrations"] != migration_heads():
            raise MissionArchiveError(
                "Les migrations de l'archive et de cette instance diffèrent : installez la même version de Territoire "
                f"(archive : {manifest['migrations']}, ici : {migration_heads()})."
            )
        try:
            payload = json.loads(reader.read(DATA, **manifest["data"]))
        except ValueError as error:
            raise MissionArchiveError("Les données de l'archive sont illisibles : import refusé.") from error
        counts = defaultdict(int)
        allowed = archived_labels()
        for part in ("users", "references", "rows"):
            for row in payload[part]:
                if row["model"] not in allowed[part]:
                    raise MissionArchiveError(f"Ligne inattendue dans l'archive ({row['model']}) : import refusé.")
                counts[row["model"]] += 1
        if dict(counts) != manifest["counts"]:
            raise MissionArchiveError("Les données ne correspondent pas aux comptes du manifeste : import refusé.")
        staged = {}
        for index, (name, expected) in enumerate(manifest["files"].items()):
            staged[name] = Path(tmp) / str(index)
            with staged[name].open("wb") as target:
                reader.copy(FILES + name, target, **expected)
        _check_empty(payload, manifest, storage)
        written = []
        try:
            with transaction.atomic():
                touched = _save(payload["users"]) | _save(payload["references"], skip_existing=True)
                touched |= _save(payload["rows"])
                connection.check_constraints(table_names=[m._meta.db_table for m in touched])
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), list(touched)):
                        cursor.execute(sql)
                for name, staged_path in staged.items():
                    with staged_path.open("rb") as handle:
                        saved = storage.save(name, File(handle, name=name))
                    written.append(saved)
                    if saved != name:
                        raise MissionArchiveError(f"Le fichier {name} a été enregistré sous le nom {saved}.")
        except BaseException:
            for name in written:
                storage.delete(name)
            raise
    logger.info(
        "mission_imported mission=%s path=%s rows=%s files=%s duration_ms=%d",
        manifest["mission"],
        path,
        sum(counts.values()),
        len(staged),
        (time.monotonic() - started) * 1000,
    )
    return manifest
