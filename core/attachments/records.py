"""Any record by its table name and id, and whether a user may see it: what attachments and the timeline need to
hang off records of every plugin without knowing them.

A model opts in by declaring the permission that lets a user see one of its records::

    class Customer(db.Model):
        __tablename__ = "crm_customer"
        __owner__ = "owner_id"                      # record scopes (own / team / all)
        __view_permission__ = "crm.customer.view"

Records of models without ``__view_permission__``, or of a disabled plugin, are seen by nobody here (404).

Adding to a record (a file, a comment) is changing it, so it needs the model's edit permission (issue 11 F8)::

        __edit_permission__ = "pipeline.product.manage"

Without that declaration, the plugin's ``<name>.edit`` permission beside ``<name>.view`` is taken if the plugin
declares one (crm.customer.edit, pipeline.deal.edit ...), else the view permission itself: whoever may see such a
record may add to it, as before. Scopes apply to the edit permission as to the view permission.

A record whose visibility is not an owner scope (a cross-department issue seen by both departments) declares it
with a method, consulted after the permission, so that its files and comments are no easier to reach than its
page::

        def __visible_to__(self, user) -> bool: ...
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


def _declared_permissions() -> frozenset[str]:
    """Every declared permission code: synced when plugins change, so kept per process under the plugins counter
    (no statement on a record's page, whose query count plugins assert)."""
    from sqlalchemy import select

    from core.cache import PLUGINS_COUNTER, shared
    from core.identity.models import Permission

    return shared("attachments.permission_codes", PLUGINS_COUNTER,
                  lambda: frozenset(db.session.scalars(select(Permission.code))))


def edit_permission(model: type) -> str | None:
    """The permission that lets a user add files and comments to a record of ``model`` (see the module's doc)."""
    declared = getattr(model, "__edit_permission__", None)
    if declared:
        return declared
    view = view_permission(model)
    if view is None:
        return None
    if view.endswith(".view") and view[: -len("view")] + "edit" in _declared_permissions():
        return view[: -len("view")] + "edit"
    return view


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
    if not can(user, permission, obj):
        return False
    visible_to = getattr(obj, "__visible_to__", None)
    return bool(visible_to(user)) if callable(visible_to) else True


def can_write(user: Any, obj: Any) -> bool:
    """True if ``user`` may see ``obj`` and add files or comments to it: its model's edit permission, in scope."""
    from core.security import can

    permission = edit_permission(type(obj))
    return permission is not None and can_see(user, obj) and can(user, permission, obj)


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
