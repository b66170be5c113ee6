"""Data sets analytics can chart and export: applications with their stage, channel and dates, limited to the
reader's scope (no personal data: candidates appear by number only)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.contracts import DatasetColumn, DatasetDef
from core.identity.positions import POSITION_LABELS
from core.security import scoped
from plugins.recruitment.labels import CHANNEL_LABELS, REQUISITION_STATE_LABELS, STAGE_LABELS, STATUS_LABELS
from plugins.recruitment.models import Application, Requisition


def applications_query(user: Any) -> Any:
    stmt = (select(Application.id, Application.created_at, Requisition.title.label("position"),
                   Application.channel, Application.stage, Application.status,
                   Application.closed_at)
            .join(Requisition, Requisition.id == Application.requisition_id))
    return scoped(stmt, Application, "recruitment.application.view", user)


def requisitions_query(user: Any) -> Any:
    stmt = select(Requisition.id, Requisition.title, Requisition.position, Requisition.headcount,
                  Requisition.filled, Requisition.state, Requisition.created_at, Requisition.approved_at,
                  Requisition.filled_at)
    return scoped(stmt, Requisition, "recruitment.requisition.view", user)


def definitions() -> list[DatasetDef]:
    return [
        DatasetDef("recruitment.applications", _l("Job applications"), (
            DatasetColumn("id", _l("ID"), "int", role="key"),
            DatasetColumn("created_at", _l("Applied"), "datetime"),
            DatasetColumn("position", _l("Position")),
            DatasetColumn("channel", _l("Channel"), value_labels=CHANNEL_LABELS),
            DatasetColumn("stage", _l("Stage"), value_labels=STAGE_LABELS),
            DatasetColumn("status", _l("Status"), value_labels=STATUS_LABELS),
            DatasetColumn("closed_at", _l("Closed"), "datetime"),
        ), "recruitment.application.view", applications_query, date_column="created_at"),
        DatasetDef("recruitment.requisitions", _l("Hiring plans"), (
            DatasetColumn("id", _l("ID"), "int", role="key"), DatasetColumn("title", _l("Position")),
            DatasetColumn("position", _l("Role"), value_labels=POSITION_LABELS),
            DatasetColumn("headcount", _l("Headcount"), "int", role="measure"),
            DatasetColumn("filled", _l("Filled"), "int", role="measure"),
            DatasetColumn("state", _l("State"), value_labels=REQUISITION_STATE_LABELS),
            DatasetColumn("created_at", _l("Raised"), "datetime"),
            DatasetColumn("approved_at", _l("Approved"), "datetime"),
            DatasetColumn("filled_at", _l("Filled on"), "datetime"),
        ), "recruitment.requisition.view", requisitions_query, date_column="created_at"),
    ]
