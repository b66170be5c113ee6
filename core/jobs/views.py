"""/admin/jobs: every job with its last and next run, failures and last error; "run now"; the email outbox."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core.extensions import db
from core.jobs.models import Job
from core.jobs.panels import page_summaries
from core.jobs.runner import is_failed, run_job, sync_jobs
from core.security import require
from core.timeutil import utcnow

bp = Blueprint("core_jobs", __name__, url_prefix="/admin/jobs")


@bp.get("/")
@require("core.jobs.manage")
def index():  # type: ignore[no-untyped-def]
    jobs = sync_jobs()
    rows = db.session.scalars(select(Job).where(Job.key.in_(list(jobs))).order_by(Job.key)).all() if jobs else []
    now = utcnow()
    listing = [{
        "row": row,
        "description": jobs[row.key].description,
        "state": _state(row, now),
    } for row in rows]
    return render_template("jobs/index.html", jobs=listing, **page_summaries())  # the outbox's, among others


def _state(row: Job, now) -> str:  # type: ignore[no-untyped-def]
    if row.locked_until and row.locked_until > now:
        return "running"
    if is_failed(row):
        return "failed"
    if row.failures:
        return "retrying"
    return "ok" if row.last_success_at else "new"


@bp.post("/<key>/run")
@require("core.jobs.manage")
def run_now(key: str):  # type: ignore[no-untyped-def]
    if key not in sync_jobs():
        abort(404)
    run = run_job(key, force=True)
    if run is None:
        flash(_("%(key)s is running in another worker; try again when it has finished.", key=key), "error")
    elif run.ok:
        flash(_("%(key)s ran successfully.", key=key), "success")
    else:
        flash(_("%(key)s failed: %(error)s", key=key, error=(run.error or "").splitlines()[0]), "error")
    return redirect(url_for("core_jobs.index"))
