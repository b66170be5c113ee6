"""Any record by its table name and id, and whether a user may see it: what attachments and the timeline need to
hang off records of every plugin without knowing them.

A model opts in by declaring the permission that lets a user see one of its records::

    class Customer(db.Model):
        __tablename__ = "crm_customer"
        __owner__ = "owner_id"                      # record scopes (own / team / all)
        __view_permission__ = "crm.customer.view"

Records of models without ``__view_permission__``, or of a disabled plugin, are seen by nobody here (404).
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from core.extensions import db


def model_for(record_type: str) -> type | None:
    """The model class mapped to the table ``record_type``, from SQLAlchemy's registry (plugins' models included)."""
    for mapper in db.Model.registry.mappers:
        table = getattr(mapper.class_, "__table__", None)
        if table is not None and table.name == record_type:
            return mapper.class_
    return None


def record_type_of(obj: Any) -> str:
    """The record type of ``obj`` as attachments and comments store it: its table name."""
    table = getattr(type(obj), "__table__", None)
    if table is None:
        raise TypeError(f"{type(obj).__name__} is not a database record")
    return str(table.name)


def record_key(obj: Any) -> tuple[str, int]:
    record_id = getattr(obj, "id", None)
    if not isinstance(record_id, int):
        raise TypeError(f"{type(obj).__name__} has no integer id (is it flushed?)")
    return record_type_of(obj), record_id


def view_permission(model: type) -> str | None:
    return getattr(model, "__view_permission__", None)


def _owner_active(record_type: str) -> bool:
    """A plugin's tables carry its name as prefix; its records disappear with it while it is disabled."""
    prefix = record_type.split("_", 1)[0]
    if prefix == "core":
        return True
    engine = current_app.extensions["netsales"]
    return prefix not in engine.plugins or engine.is_active(prefix)


def can_see(user: Any, obj: Any) -> bool:
    """True if ``user`` may see ``obj``: its model's view permission, within the user's scope (core.security.can)."""
    from core.security import can

    permission = view_permission(type(obj))
    if permission is None or not _owner_active(record_type_of(obj)):
        return False
    return can(user, permission, obj)


def visible_record(record_type: str, record_id: int, user: Any) -> Any | None:
    """The record, if it exists and ``user`` may see it; else None (callers answer 404, revealing nothing)."""
    model = model_for(record_type)
    if model is None or view_permission(model) is None or not _owner_active(record_type):
        return None
    obj = db.session.get(model, record_id)
    if obj is None or not can_see(user, obj):
        return None
    return obj


def record_url(obj: Any) -> str | None:
    """The record's page, from the plugin that owns it (object_url hook)."""
    return current_app.extensions["netsales"].first("object_url", obj=obj)
