"""The audit trail as CSV or XLSX, through the shared export (times in the company's time zone, no formulas)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask import Response
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select

from core.audit.filters import ACTION_LABELS
from core.extensions import db
from core.web.listing import ExportColumn, export_response

COLUMNS = (
    ExportColumn("at", _l("Time")),
    ExportColumn("actor", _l("User")),
    ExportColumn("user_id", _l("User ID")),
    ExportColumn("action", _l("Action"), lambda row: str(ACTION_LABELS.get(row.action, row.action))),
    ExportColumn("model", _l("Record type")),
    ExportColumn("table_name", _l("Table")),
    ExportColumn("record_id", _l("Record ID")),
    ExportColumn("changes", _l("Changes"),
                 lambda row: json.dumps(row.changes or {}, ensure_ascii=False, sort_keys=True)),
)


def _rows(stmt: Select) -> Iterator[Any]:
    # Read in batches: a large export never holds the whole trail as objects at once.
    yield from db.session.scalars(stmt.execution_options(yield_per=1000))


def export(stmt: Select, fmt: str, filename: str) -> Response:
    return export_response(_rows(stmt), COLUMNS, fmt, filename=filename)
