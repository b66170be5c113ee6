"""The admin page's selection: by user, record type, record, action and date range (the shared list kit, plus
two free-text filters of its own), validated so that bad input gets a message next to the filter."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from core.audit.labels import labelled_record_types, model_label
from core.audit.models import AuditLog
from core.audit.recorder import is_audited
from core.extensions import db
from core.web.listing import Filter, ListQuery, Page

ACTION_LABELS = {
    # Not "Created": plugins translate that msgid as a column ("创建时间") and the catalogues are merged.
    "create": _l("Record created"),
    "update": _l("Record changed"),
    "delete": _l("Record deleted"),
    "archive": _l("Record archived"),
    "state": _l("State changed"),
    "export": _l("Exported"),
}
#: Free-text filters: argument -> (column, label, longest accepted value).
TEXT_FILTERS = {
    "user": (AuditLog.actor, _l("User (login)"), 120),
    "record_id": (AuditLog.record_id, _l("Record ID"), 64),
}
PER_PAGE = 50


def record_types() -> list[tuple[str, str]]:
    """(table, label) of every audited model, by its ``__label__`` (core/audit/labels.py), and the trail itself
    (its exports are logged). Models that have not named themselves yet come last, as "<module> record n"."""
    labelled = dict(labelled_record_types())
    labelled[AuditLog.__tablename__] = model_label(AuditLog.__tablename__)
    unnamed = sorted(mapper.local_table.name for mapper in db.Model.registry.mappers
                     if is_audited(mapper.class_) and mapper.local_table.name not in labelled)
    numbered: dict[str, int] = {}
    others = []
    for table in unnamed:
        label = model_label(table)
        numbered[label] = numbered.get(label, 0) + 1
        others.append((table, f"{label} {numbered[label]}"))
    return sorted(labelled.items(), key=lambda t: t[1]) + others


def action_choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in ACTION_LABELS.items()]


def text_filters(args: Mapping[str, str]) -> tuple[Select, dict[str, str], dict[str, str]]:
    """The trail narrowed by the free-text filters; their accepted values and the messages for refused ones."""
    stmt = select(AuditLog)
    active: dict[str, str] = {}
    errors: dict[str, str] = {}
    for key, (column, label, longest) in TEXT_FILTERS.items():
        value = (args.get(key) or "").strip()
        if not value:
            continue
        if len(value) > longest:
            errors[key] = _("%(filter)s is at most %(n)d characters long.", filter=label, n=longest)
            continue
        stmt = stmt.where(column == value)
        active[key] = value
    return stmt, active, errors


def audit_listing(args: Mapping[str, str]) -> tuple[ListQuery, dict[str, str], dict[str, str]]:
    stmt, active, errors = text_filters(args)
    listing = ListQuery(
        stmt,
        sorts={"at": AuditLog.at},
        default_sort="-at",
        filters=[
            Filter.choice("record_type", _l("Record type"), AuditLog.table_name, record_types),
            Filter.choice("action", _l("Action"), AuditLog.action, action_choices),
            Filter.date_from("date_from", _l("Date from"), AuditLog.at),
            Filter.date_to("date_to", _l("Date to"), AuditLog.at),
        ],
        per_page=PER_PAGE,
    )
    return listing, active, errors


def audit_page(args: Mapping[str, str]) -> tuple[Page, dict[str, str]]:
    """One page of the trail for ``args`` (two queries), and the filters in use (all of them, text ones too).
    A range that ends before it starts is refused next to its end date."""
    listing, active, errors = audit_listing(args)
    page = listing.page(args)
    page.errors.update(errors)
    start, end = page.active_filters.get("date_from"), page.active_filters.get("date_to")
    if start and end and end < start:  # ISO dates compare as text
        page.errors["date_to"] = _("The end date is before the start date.")
    return page, {**active, **page.active_filters}


def export_select(listing: ListQuery, args: Mapping[str, str]) -> Select:
    """The export's selection: the page's filters and sort, every row."""
    stmt, _active, _errors = listing.filtered(args)
    return listing.ordered(stmt, listing.sort_key(args))
