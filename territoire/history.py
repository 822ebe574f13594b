"""The audit trail shown to people: who changed what, when, read from django-simple-history.

``entries(records)`` turns historical records (of one object, or of several such as a finding and its
sources) into rows for a "Historique" page: date, author, action, and for each changed field its verbose
name with the old and the new value as people read them (choice labels, oui/non, Belgian dates, the
name of a related object). Its cost does not grow with the number of rows: the previous version of
each record is found among the records given, and the related objects they name are read in one
query per related model.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

# Bookkeeping columns (and the tenant, which never changes): not shown, a change of these alone is no change.
SKIPPED_FIELDS = {"created_at", "updated_at", "position", "commune", "mission", "participant", "public_token"}
EMPTY = "—"


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    date: datetime
    author: str
    action: str
    subject: str
    changes: list[Change] = field(default_factory=list)


def author_name(user) -> str:
    if user is None:
        return _("inconnu (participant, import ou système)")
    return user.get_full_name() or user.get_username()


def _fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in SKIPPED_FIELDS and not f.primary_key]


def _related(records, prefetch: dict) -> dict:
    """(model, pk) → object for every foreign key value the records hold: one query per related model
    (plus the ``prefetch`` lookups of that model, for names built from related rows)."""
    wanted: dict[type, set] = {}
    for record in records:
        for f in _fields(record.instance_type):
            if f.is_relation and getattr(record, f.attname) is not None:
                wanted.setdefault(f.related_model, set()).add(getattr(record, f.attname))
    return {
        (model, pk): obj
        for model, pks in wanted.items()
        for pk, obj in model._default_manager.prefetch_related(*prefetch.get(model, ())).in_bulk(list(pks)).items()
    }


def _display(f: models.Field, value, related: dict) -> str:
    if value is None or value == "":
        return EMPTY
    if f.is_relation:
        obj = related.get((f.related_model, value))
        if obj is None:
            return _("(supprimé)")
        if f.related_model is get_user_model():
            return author_name(obj)
        return str(obj)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    return str(value)


ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def _change(f, old, new, related) -> Change:
    return Change(label=str(f.verbose_name).capitalize(), old=_display(f, old, related), new=_display(f, new, related))


def entries(records, *, subject=None, prefetch=None) -> list[Entry]:
    """Rows of the trail, newest first. ``records`` are historical records (any mix of models), with
    their ``history_user`` selected; ``subject(record)`` names the object a row is about (optional);
    ``prefetch`` maps a related model to the lookups its name needs (``{Interview: ["interviewees"]}``).

    A creation lists the values given; a modification, each changed field's old and new value.
    """
    records = sorted(records, key=lambda r: (r.history_date, r.history_id))
    related = _related(records, prefetch or {})
    previous: dict = {}
    rows = []
    labels = {"+": _("Création"), "~": _("Modification"), "-": _("Suppression")}
    for record in records:
        key = (record.instance_type, record.id)
        before = previous.get(key)
        previous[key] = record
        fields = {f.name: f for f in _fields(record.instance_type)}
        changes = []
        if record.history_type == "~" and before is not None:
            diff = record.diff_against(before, included_fields=list(fields))
            for change in diff.changes:
                f = fields[change.field]
                changes.append(_change(f, getattr(before, f.attname), getattr(record, f.attname), related))
            if not changes:
                continue  # only bookkeeping columns moved
        elif record.history_type == "+":
            changes = [
                _change(f, None, getattr(record, f.attname), related)
                for f in fields.values()
                if getattr(record, f.attname) not in (None, "", False)
            ]
        rows.append(
            Entry(
                date=record.history_date,
                author=author_name(record.history_user),
                action=labels[record.history_type],
                subject=subject(record) if subject else "",
                changes=changes,
            )
        )
    rows.reverse()
    return rows
