"""Saved reports: a pivot kept under a name, private or shared with a role; always run as the reader."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError

from core.identity.models import Role
from core.security import can, is_admin
from core.timeutil import utcnow
from plugins.analytics.models import SavedReport
from plugins.analytics.services.catalogue import find_dataset
from plugins.analytics.services.pivot import PivotError, PivotSpec, validate

SHARE = "analytics.report.share"
CHARTS = ("bar", "line", "pie", "none")
NAME_MAX = 120


class ReportError(ValueError):
    """A saved report that cannot be kept or changed as asked; the message is for the user."""


def visible_reports(user: Any) -> Any:
    """A select of the reports ``user`` may open: their own and those shared with a role they hold."""
    role_ids = [r.id for r in getattr(user, "roles", [])]
    return (select(SavedReport)
            .where(or_(SavedReport.owner_id == user.id, SavedReport.shared_role_id.in_(role_ids)))
            .order_by(SavedReport.name, SavedReport.id))


def may_open(user: Any, report: SavedReport) -> bool:
    return report.owner_id == user.id or report.shared_role_id in {r.id for r in getattr(user, "roles", [])}


def may_change(user: Any, report: SavedReport) -> bool:
    return report.owner_id == user.id or is_admin(user)


def spec_of(report: SavedReport) -> PivotSpec:
    return PivotSpec.from_dict(json.loads(report.spec))


def _checked(session: Any, user: Any, name: str, spec: PivotSpec, chart: str, shared_role_id: int | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ReportError(_l("Give the report a name."))
    if len(name) > NAME_MAX:
        raise ReportError(_l("The name may have at most %(n)s characters.", n=NAME_MAX))
    if chart not in CHARTS:
        raise ReportError(_l("Choose a chart."))
    dataset = find_dataset(spec.dataset, user)
    if dataset is None:
        raise ReportError(_l("You cannot read this data set."))
    try:
        validate(spec, dataset)
    except PivotError as exc:
        raise ReportError(str(exc)) from exc
    if shared_role_id is not None:
        if not can(user, SHARE):
            raise ReportError(_l("You may not share reports."))
        if session.get(Role, shared_role_id) is None:
            raise ReportError(_l("Choose a role to share with."))
    return str(dataset.label)


def save_report(session: Any, user: Any, name: str, spec: PivotSpec, chart: str = "bar",
                shared_role_id: int | None = None) -> SavedReport:
    label = _checked(session, user, name, spec, chart, shared_role_id)
    report = SavedReport(name=name.strip(), owner_id=user.id, dataset_key=spec.dataset, dataset_label=label,
                         spec=json.dumps(spec.to_dict()), chart=chart, shared_role_id=shared_role_id)
    session.add(report)
    session.flush()
    return report


def update_report(session: Any, user: Any, report: SavedReport, version: int, name: str, spec: PivotSpec,
                  chart: str, shared_role_id: int | None) -> SavedReport:
    """Change a report; ``version`` is what the editor saw, so two editors do not overwrite each other."""
    if not may_change(user, report):
        raise ReportError(_l("Only the report's author changes it."))
    if version != report.version:
        raise ReportError(_l("Someone else changed this report meanwhile; open it again."))
    label = _checked(session, user, name, spec, chart, shared_role_id)
    report.name, report.dataset_key, report.dataset_label = name.strip(), spec.dataset, label
    report.spec, report.chart, report.shared_role_id = json.dumps(spec.to_dict()), chart, shared_role_id
    report.updated_at = utcnow()
    try:
        session.flush()
    except StaleDataError as exc:
        raise ReportError(_l("Someone else changed this report meanwhile; open it again.")) from exc
    return report


def delete_report(session: Any, user: Any, report: SavedReport) -> None:
    if not may_change(user, report):
        raise ReportError(_l("Only the report's author deletes it."))
    session.delete(report)
    session.flush()
