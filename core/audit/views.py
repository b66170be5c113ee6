"""The audit trail's admin page (/admin/audit) and its export. Read-only: no route changes the log."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.audit.entries import AuditEntry, log_event
from core.audit.export import export
from core.audit.filters import ACTION_LABELS, audit_listing, audit_page, export_select
from core.audit.labels import actor_names, model_label, shown_changes
from core.audit.models import AuditLog
from core.extensions import db
from core.security import require
from core.timeutil import utcnow
from core.web.listing import EXPORT_FORMATS, wants_export

bp = Blueprint("core_audit", __name__, url_prefix="/admin/audit")

DEFAULT_EXPORT_MAX_ROWS = 100_000


@bp.get("/")
@require("core.audit.view")
def index():  # type: ignore[no-untyped-def]
    page, active = audit_page(request.args)
    fmt = wants_export()
    if fmt is not None:
        return _export(page, active, fmt)
    entries = [AuditEntry.from_row(row) for row in page.items] if not page.errors else []
    # Labels, not field or model names (issue 12): each entry with its tracked fields' changes, read as shown.
    shown = shown_changes([(e.table_name, e.action, e.changes) for e in entries])
    actors = actor_names(entries)
    rows = [(entry, actors[entry.id], model_label(entry.table_name), changes)
            for entry, changes in zip(entries, shown, strict=True)]
    return render_template("audit/index.html", page=page, entries=entries, rows=rows, active=active,
                           action_labels=ACTION_LABELS, user_value=request.args.get("user", ""),
                           record_id_value=request.args.get("record_id", ""))


def _export(page, active: dict[str, str], fmt: str):  # type: ignore[no-untyped-def]
    back = url_for("core_audit.index", **page.args)
    if fmt not in EXPORT_FORMATS:
        flash(_("Unknown export format: %(format)s.", format=fmt[:10]), "error")
        return redirect(back)
    if page.errors:
        flash(_("Correct the filters before exporting."), "error")
        return redirect(back)
    limit = int(current_app.config.get("AUDIT_EXPORT_MAX_ROWS", DEFAULT_EXPORT_MAX_ROWS))
    if page.total > limit:
        flash(_("%(count)d entries match: narrow the filters to at most %(limit)d to export them.",
                count=page.total, limit=limit), "error")
        return redirect(back)
    listing, _active, _errors = audit_listing(request.args)
    response = export(export_select(listing, request.args), fmt, filename=f"audit-{utcnow():%Y%m%d-%H%M%S}")
    # Exporting the trail is itself recorded (R11: data leaves the system only with a trace).
    log_event("export", AuditLog.__tablename__, model=AuditLog.__name__,
              details={"format": fmt, "rows": page.total, "filters": active})
    db.session.commit()
    return response
