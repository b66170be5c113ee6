"""What a reader sees of the audit trail: labels, not field names, model names or codes (issue 12, as Odoo's
tracked fields).

A model declares its name and the fields a user follows, with their labels and, for codes, their values' labels::

    class Deal(db.Model):
        __label__ = _l("Deal")
        __tracked__ = {"stage": (_l("Stage"), STAGE_LABELS), "amount": _l("Amount"), "owner_id": _l("Owner")}

A tracked field is ``label`` or ``(label, value_labels)``; value_labels is a mapping (stored code → label) or a
function (stored value → text). Without value labels a value is shown by its column's type: a user's id as their
name, a time in the company time zone, a date, a number, yes / no. Fields a model does not track (versions,
counters, "entered at" stamps, foreign keys nobody reads) are still recorded by the trail, but never shown on a
timeline or on the audit page; the export keeps everything for auditors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from sqlalchemy import Boolean, Date, DateTime, Numeric, event, select
from sqlalchemy.orm import Mapper, lazyload

from core.extensions import db

#: An export's details (core.audit.log_event("export", ...)): shown whatever the table.
#: Not "Rows", "Active", "Name"...: plugins translate such words for their own pages, and the catalogues are merged
#: (a later plugin's translation wins), so labels here and in models use msgids of their own.
EXPORT_FIELDS: dict[str, Any] = {"format": _l("Format"), "rows": _l("Rows exported")}
EMPTY = "—"


@dataclass(frozen=True)
class TrackedField:
    key: str
    label: Any
    values: Mapping[Any, Any] | Callable[[Any], Any] | None
    kind: str  # user, datetime, date, number, bool, text
    digits: int | None = None  # a number's decimals (money: 2), from its column


@dataclass(frozen=True)
class ShownChange:
    """One field's change as a reader reads it: "阶段：客户开发 → 需求挖掘"."""

    label: str
    old: str
    new: str


#: The models by table (key None) and each table's (``__tracked__``, tracked fields), kept until a new mapper is
#: made (a plugin loaded later, the tests' temporary plugins): every audit line of a timeline asks, twice, and
#: walking a hundred mappers each time was half of a record page's timeline (issue 18). A model's ``__tracked__`` is
#: a class constant: one that must change is replaced (a new dict is read again), not edited in place.
_KEPT: dict[Any, Any] = {}


@event.listens_for(Mapper, "after_mapper_constructed")
def _forget_models(mapper: Any, class_: Any) -> None:
    _KEPT.clear()


def _models() -> dict[str, Any]:
    models = _KEPT.get(None)
    if models is None:
        models = _KEPT[None] = {mapper.local_table.name: mapper for mapper in db.Model.registry.mappers}
    return models


def _kind(column: Any) -> str:
    if any(fk.column.table.name == "core_user" for fk in column.foreign_keys):
        return "user"
    if isinstance(column.type, DateTime):
        return "datetime"
    if isinstance(column.type, Date):
        return "date"
    if isinstance(column.type, Numeric):
        return "number"
    if isinstance(column.type, Boolean):
        return "bool"
    return "text"


def tracked_fields(table_name: str) -> dict[str, TrackedField]:
    """The fields a reader follows on ``table_name``'s records, in the model's order of declaration (kept while
    the model's ``__tracked__`` is the same object: see _KEPT; the caller must not change the mapping)."""
    mapper = _models().get(table_name)
    declared = getattr(mapper.class_, "__tracked__", None) if mapper is not None else None
    kept = _KEPT.get(table_name)
    if kept is not None and kept[0] is declared:
        return kept[1]
    fields = _tracked_fields(mapper, declared)
    _KEPT[table_name] = (declared, fields)
    return fields


def _tracked_fields(mapper: Any, declared: Any) -> dict[str, TrackedField]:
    fields: dict[str, TrackedField] = {}
    for key, spec in (declared or {}).items():
        label, values = spec if isinstance(spec, tuple) else (spec, None)
        prop = mapper.attrs.get(key) if mapper is not None else None
        column = getattr(prop, "columns", [None])[0] if prop is not None else None
        kind = _kind(column) if column is not None else "text"
        digits = getattr(column.type, "scale", None) if kind == "number" else None
        fields[key] = TrackedField(key, label, values, kind, digits)
    return fields


def model_label(table_name: str) -> str:
    """What a record of ``table_name`` is called (``__label__``); for a model that does not say, "a record of"
    its module (by the table's prefix, the plugin's name), never the class or table name."""
    mapper = _models().get(table_name)
    label = getattr(mapper.class_, "__label__", None) if mapper is not None else None
    if label is not None:
        return str(label)
    if table_name == "core_audit_log":
        return _("Audit trail")
    module = _module_title(table_name.split("_", 1)[0])
    return _("%(module)s record", module=module) if module else pgettext("audit", "Record")


def _module_title(prefix: str) -> str | None:
    from flask import current_app
    from flask_babel import get_locale

    plugin = current_app.extensions["netsales"].plugins.get(prefix)
    manifest = plugin.manifest if plugin is not None else None
    return manifest.title_for(str(get_locale())) if manifest else None


def labelled_record_types() -> list[tuple[str, str]]:
    """(table, label) of the models that name themselves, for the audit page's filter."""
    return sorted(((name, str(mapper.class_.__label__)) for name, mapper in _models().items()
                   if getattr(mapper.class_, "__label__", None) is not None), key=lambda t: t[1])


def _user_ids(entries: Iterable[tuple[str, dict[str, tuple[Any, Any]]]]) -> set[int]:
    ids: set[int] = set()
    for table_name, changes in entries:
        fields = tracked_fields(table_name)
        for key, pair in changes.items():
            field = fields.get(key)
            if field is not None and field.kind == "user" and field.values is None:
                ids.update(v for v in pair if isinstance(v, int))
    return ids


def _users(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    from core.identity.models import User

    query = select(User).where(User.id.in_(ids)).options(lazyload(User.roles))
    return {user.id: user.name for user in db.session.scalars(query)}


def _value(field: TrackedField, value: Any, users: Mapping[int, str]) -> str:
    from core.web.locale import date_filter, datetime_filter, number

    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list):
        return ", ".join(_value(field, item, users) for item in value)
    if field.values is not None:
        if callable(field.values):
            return str(field.values(value))
        shown = field.values.get(value)
        return str(shown) if shown is not None else str(value)
    try:
        if field.kind == "user":
            return users.get(value, EMPTY) if isinstance(value, int) else str(value)
        if field.kind == "datetime":
            return datetime_filter(datetime.fromisoformat(str(value)), "short")
        if field.kind == "date":
            return date_filter(date.fromisoformat(str(value)[:10]))
        if field.kind == "number":
            return number(value, field.digits)
    except ValueError:
        return str(value)
    if field.kind == "bool" or isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def shown_changes(entries: list[tuple[str, str, dict[str, tuple[Any, Any]]]]) -> list[list[ShownChange]]:
    """For each (table, action, changes) of the trail, its tracked fields' changes as a reader reads them, in the
    model's order; one query for every user named, however many entries. An export shows its format and rows."""
    users = _users(_user_ids((table, changes) for table, _action, changes in entries))
    shown: list[list[ShownChange]] = []
    for table, action, changes in entries:
        if action == "export":
            fields = {key: TrackedField(key, label, None, "text") for key, label in EXPORT_FIELDS.items()}
        else:
            fields = tracked_fields(table)
        shown.append([ShownChange(str(field.label), _value(field, changes[key][0], users),
                                  _value(field, changes[key][1], users))
                      for key, field in fields.items() if key in changes])
    return shown


def actor_names(entries: list[Any]) -> dict[int, str]:
    """entry id → who made the change as a reader names them: the user's name, else what ran it (a job, the
    command line, the system), never a job's key; one query for all the users."""
    users = _users({e.user_id for e in entries if e.user_id is not None})
    names: dict[int, str] = {}
    for entry in entries:
        if entry.user_id in users:
            names[entry.id] = users[entry.user_id]
        elif entry.actor.startswith("job:"):
            names[entry.id] = _("Scheduled job")
        elif entry.actor.startswith("cli"):
            names[entry.id] = _("Command line")
        elif entry.actor == "system":
            names[entry.id] = _("System")
        else:
            names[entry.id] = entry.actor  # a login recorded by audit_actor for someone who is gone
    return names
