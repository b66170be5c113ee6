"""The audit trail's recorder: SQLAlchemy events that log every insert, update and delete of business records.

Plugins get it without code per model. A model opts out with ``__audit__ = False`` (bookkeeping: counters, queues,
caches); ``__audit_exclude__ = ("col", ...)`` leaves noisy columns out; ``__audit_redact__ = ("col", ...)`` records
that a secret changed without its value (password hashes and session tokens are always redacted).

Mapper events see every row the unit of work writes, cascades included; rows are queued on the session and written
in ``after_flush`` on the flush's own connection, so they commit or roll back with the change. Bulk statements
(``session.execute(update(Model)...)``) bypass the unit of work and are not recorded: services change records
through the ORM.
"""

from __future__ import annotations

import enum
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Mapper, Session, object_session

from core.audit.actor import current_actor
from core.audit.models import AuditLog
from core.extensions import db
from core.timeutil import utcnow

#: Core bookkeeping tables whose models belong to others and do not declare ``__audit__ = False`` themselves.
NOT_AUDITED_TABLES = frozenset({"core_plugin_state", "core_change_counter", "core_permission"})
#: Always recorded as changed-but-hidden, whichever model they are on.
REDACTED_COLUMNS = frozenset({"password_hash", "session_token", "token_hash", "secret", "secret_hash"})
REDACTED = "***"
STATE_COLUMNS = frozenset({"state", "status"})
ARCHIVE_COLUMNS = frozenset({"archived", "archived_at"})
PENDING_KEY = "netsales_audit_pending"
ACTOR_KEY = "netsales_audit_actor"


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit row."""


@dataclass(frozen=True)
class _ModelConfig:
    audited: bool
    columns: tuple[tuple[str, Any], ...]  # (attribute key, column) of audited columns
    redacted: frozenset[str]
    collections: tuple[str, ...]  # many-to-many relationships, recorded as lists of related records


_configs: dict[Mapper, _ModelConfig] = {}


def model_config(mapper: Mapper) -> _ModelConfig:
    config = _configs.get(mapper)
    if config is None:
        cls = mapper.class_
        table = mapper.local_table
        audited = (
            getattr(table, "metadata", None) is db.metadata
            and bool(getattr(cls, "__audit__", True))
            and table.name not in NOT_AUDITED_TABLES
        )
        excluded = set(getattr(cls, "__audit_exclude__", ()))
        columns = tuple((prop.key, prop.columns[0]) for prop in mapper.column_attrs if prop.key not in excluded)
        redacted = frozenset(REDACTED_COLUMNS | set(getattr(cls, "__audit_redact__", ())))
        collections = tuple(rel.key for rel in mapper.relationships
                            if rel.secondary is not None and not rel.viewonly and rel.key not in excluded)
        config = _configs[mapper] = _ModelConfig(audited, columns, redacted, collections)
    return config


def is_audited(model: type) -> bool:
    """True if changes to ``model``'s records are recorded."""
    return model_config(inspect(model)).audited


def jsonable(value: Any) -> Any:
    """A value as the trail stores it: JSON scalars as they are; Decimal, dates and times as strings."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(bytes(value))} bytes>"
    if isinstance(value, dict | list | tuple):
        return json.loads(json.dumps(value, default=str))
    return str(value)


def _shown(config: _ModelConfig, key: str, value: Any) -> Any:
    if value is not None and key in config.redacted:
        return REDACTED
    return jsonable(value)


def _label(obj: Any) -> str:
    """A related record as a collection change lists it: its code, login or name when it has one."""
    state = inspect(obj)
    ident = ",".join(str(v) for v in (state.identity or ()))
    for attribute in ("code", "login", "name"):
        value = state.dict.get(attribute)
        if isinstance(value, str):
            return f"{value} ({ident})" if ident else value
    return ident or repr(obj)


def _record_id(mapper: Mapper, target: Any) -> str:
    state = inspect(target)
    if state.identity:
        values = state.identity
    else:  # just inserted: the key is in the instance, the identity map does not know it yet
        values = tuple(state.dict.get(mapper.get_property_by_column(col).key) for col in mapper.primary_key)
    return ",".join(str(v) for v in values)[:64]


def _stored_values(connection: Any, mapper: Mapper, target: Any, keys: list[str]) -> dict[str, Any]:
    """The database's current values of ``keys`` (attributes the instance never loaded)."""
    state = inspect(target)
    if not keys or not state.identity:
        return {}
    props = [mapper.get_property(key) for key in keys]
    condition = [col == value for col, value in zip(mapper.primary_key, state.identity, strict=True)]
    row = connection.execute(select(*(prop.columns[0] for prop in props)).where(*condition)).first()
    return {} if row is None else dict(zip(keys, row, strict=True))


def _queue(mapper: Mapper, connection: Any, target: Any, action: str, changes: dict[str, Any]) -> None:
    row = {"action": action, "table_name": mapper.local_table.name, "model": mapper.class_.__name__,
           "record_id": _record_id(mapper, target), "changes": changes}
    session = object_session(target)
    if session is None:  # not through a session: write at once, on the statement's connection
        _write(connection, [row], current_actor())
        return
    session.info.setdefault(PENDING_KEY, []).append(row)


def _write(connection: Any, rows: list[dict[str, Any]], actor: Any) -> None:
    at = utcnow()
    for row in rows:
        row.update(at=at, user_id=actor.user_id, actor=actor.name[:120])
    connection.execute(insert(AuditLog.__table__), rows)


def _action_for(changed: set[str]) -> str:
    if changed & STATE_COLUMNS:
        return "state"
    if changed & ARCHIVE_COLUMNS:
        return "archive"
    return "update"


# -------------------------------------------------------------------------------------------------- mapper events


def after_insert(mapper: Mapper, connection: Any, target: Any) -> None:
    config = model_config(mapper)
    if not config.audited:
        return
    values = inspect(target).dict
    changes = {key: [None, _shown(config, key, values[key])]
               for key, _col in config.columns if values.get(key) is not None}
    for key in config.collections:
        related = values.get(key) or []
        if related:
            changes[key] = [None, sorted(_label(obj) for obj in related)]
    _queue(mapper, connection, target, "create", changes)


def before_update(mapper: Mapper, connection: Any, target: Any) -> None:
    config = model_config(mapper)
    if not config.audited:
        return
    state = inspect(target)
    changes: dict[str, list[Any]] = {}
    unknown: list[str] = []
    for key, _col in config.columns:
        history = state.attrs[key].history
        if not history.added and not history.deleted:
            continue
        new = history.added[0] if history.added else None
        if history.deleted:
            changes[key] = [history.deleted[0], new]
        else:
            changes[key] = [None, new]
            unknown.append(key)  # set without being loaded first: the old value is still in the database
    for key, old in _stored_values(connection, mapper, target, unknown).items():
        changes[key][0] = old
    shown = {key: [_shown(config, key, old), _shown(config, key, new)] for key, (old, new) in changes.items()}
    shown = {key: pair for key, pair in shown.items() if pair[0] != pair[1] or key in config.redacted}
    for key in config.collections:
        history = state.attrs[key].history
        if history.added or history.deleted:
            kept = list(history.unchanged)
            shown[key] = [sorted(_label(o) for o in kept + list(history.deleted)),
                          sorted(_label(o) for o in kept + list(history.added))]
    if shown:
        _queue(mapper, connection, target, _action_for(set(shown)), shown)


def before_delete(mapper: Mapper, connection: Any, target: Any) -> None:
    config = model_config(mapper)
    if not config.audited:
        return
    loaded = inspect(target).dict
    values = {key: loaded[key] for key, _col in config.columns if key in loaded}
    values.update(_stored_values(connection, mapper, target, [k for k, _c in config.columns if k not in loaded]))
    changes = {key: [_shown(config, key, value), None] for key, value in values.items() if value is not None}
    _queue(mapper, connection, target, "delete", changes)


def refuse_change(mapper: Mapper, connection: Any, target: Any) -> None:
    raise AuditLogIsAppendOnly("The audit trail is append-only: its rows cannot be changed or deleted.")


# ------------------------------------------------------------------------------------------------- session events


def before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    session.info.pop(PENDING_KEY, None)  # leftovers of a flush that failed
    # Resolved here, where loading the signed-in user may still query; the flush itself must not.
    session.info[ACTOR_KEY] = current_actor()


def after_flush(session: Session, flush_context: Any) -> None:
    rows = session.info.pop(PENDING_KEY, None)
    if rows:
        _write(session.connection(), rows, session.info.get(ACTOR_KEY) or current_actor())


def forget_pending(session: Session, previous_transaction: Any = None) -> None:
    session.info.pop(PENDING_KEY, None)


def install() -> None:
    """Listen to every mapper and session (idempotent: safe with several apps in one process)."""
    mapper_events = {"after_insert": after_insert, "before_update": before_update, "before_delete": before_delete}
    for name, fn in mapper_events.items():
        if not event.contains(Mapper, name, fn):
            event.listen(Mapper, name, fn)
    for name, fn in (("before_update", refuse_change), ("before_delete", refuse_change)):
        if not event.contains(AuditLog, name, fn):
            event.listen(AuditLog, name, fn)
    session_events = {"before_flush": before_flush, "after_flush": after_flush,
                      "after_soft_rollback": forget_pending}
    for name, fn in session_events.items():
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)
