"""Running due jobs: sync the declared jobs into core_job, claim one with a lease, run it, record the outcome.

The claim is one conditional UPDATE (due, and not leased or the lease has expired): the database lets exactly one
worker win it, whatever the number of processes or hosts. A crashed worker's lease simply runs out.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import traceback
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from core.contracts import ScheduledJob
from core.extensions import db
from core.jobs.models import Job
from core.jobs.sql import upsert
from core.timeutil import utcnow

log = logging.getLogger(__name__)

DEFAULTS = {
    "JOB_LEASE_SECONDS": 600,  # longer than any job should take; a crashed worker's job waits this long
    "JOB_MAX_FAILURES": 5,  # shown as failed after this many consecutive failures
    "JOB_RETRY_SECONDS": 60,  # first back-off; doubles with each failure
    "JOB_MAX_BACKOFF_SECONDS": 3600,
}


def setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


@dataclass(frozen=True)
class JobRun:
    """What one run of a job gave."""

    key: str
    ok: bool
    error: str | None = None
    seconds: float = 0.0


def new_worker_id() -> str:
    """Unique per claim attempt series: host, process and a nonce (two threads of one process differ too)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def registered_jobs() -> dict[str, ScheduledJob]:
    """The jobs of the core and of the enabled plugins, by key (a duplicate key is logged and ignored)."""
    engine = current_app.extensions["netsales"]
    jobs: dict[str, ScheduledJob] = {}
    for job in engine.collect("register_scheduled_jobs", ScheduledJob):
        if job.key in jobs:
            log.warning("two jobs are called %s; the second is ignored", job.key)
        elif job.interval_seconds <= 0:
            log.warning("job %s has interval %s; it must be positive, ignored", job.key, job.interval_seconds)
        else:
            jobs[job.key] = job
    return jobs


def sync_jobs(now: datetime | None = None) -> dict[str, ScheduledJob]:
    """Insert a row for each newly declared job (due at once) and follow interval changes. Commits.

    Rows of jobs no longer declared (a disabled plugin's) are kept, untouched, for when it comes back.
    """
    now = now or utcnow()
    jobs = registered_jobs()
    if not jobs:
        return jobs
    known = dict(db.session.execute(
        select(Job.key, Job.interval_seconds).where(Job.key.in_(list(jobs)))
    ).all())
    missing = [{"key": k, "interval_seconds": j.interval_seconds, "next_run_at": now, "failures": 0}
               for k, j in jobs.items() if k not in known]
    if missing:
        # Another process may insert the same rows at the same moment: let the first one win.
        db.session.execute(upsert(db.session, Job.__table__).values(missing).on_conflict_do_nothing())
    for key, job in jobs.items():
        if key in known and known[key] != job.interval_seconds:
            db.session.execute(update(Job).where(Job.key == key).values(interval_seconds=job.interval_seconds))
            # A shorter interval takes effect now rather than after the old, longer wait.
            db.session.execute(update(Job).where(
                Job.key == key, Job.next_run_at > now + timedelta(seconds=job.interval_seconds)
            ).values(next_run_at=now + timedelta(seconds=job.interval_seconds)))
    db.session.commit()
    return jobs


def claim(key: str, worker: str, now: datetime, *, force: bool = False) -> bool:
    """Take the job's lease if it is due (or ``force``) and nobody holds a live lease. Commits; True if won."""
    db.session.commit()  # the claim must start its own transaction, after anything the caller left open
    conditions = [Job.key == key, or_(Job.locked_until.is_(None), Job.locked_until < now)]
    if not force:
        conditions.append(Job.next_run_at <= now)
    won = db.session.execute(
        update(Job).where(*conditions).values(
            locked_by=worker, locked_until=now + timedelta(seconds=setting("JOB_LEASE_SECONDS")), last_run_at=now,
        ).execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return won == 1


def backoff_seconds(failures: int) -> int:
    """Exponential back-off after the ``failures``-th consecutive failure, capped."""
    delay = setting("JOB_RETRY_SECONDS") * 2 ** max(failures - 1, 0)
    return min(delay, setting("JOB_MAX_BACKOFF_SECONDS"))


def _finish(key: str, worker: str, job: ScheduledJob, error: str | None, now: datetime) -> None:
    """Record the outcome and free the lease, only if we still hold it (an expired lease may have moved on).

    The schedule counts from ``now``, when the run was claimed.
    """
    row = db.session.execute(
        select(Job.failures).where(Job.key == key, Job.locked_by == worker)
    ).scalar_one_or_none()
    if row is None:
        log.warning("job %s finished after its lease was taken over; outcome not recorded", key)
        db.session.commit()
        return
    if error is None:
        values = {"failures": 0, "last_error": None, "last_success_at": now,
                  "next_run_at": now + timedelta(seconds=job.interval_seconds)}
    else:
        failures = row + 1
        values = {"failures": failures, "last_error": error[-4000:],
                  "next_run_at": now + timedelta(seconds=backoff_seconds(failures))}
    db.session.execute(
        update(Job).where(Job.key == key, Job.locked_by == worker)
        .values(locked_by=None, locked_until=None, **values).execution_options(synchronize_session=False)
    )
    db.session.commit()


def execute(job: ScheduledJob, worker: str, now: datetime) -> JobRun:
    """Run a claimed job: commit its work if it returns, roll it back if it raises, then record the outcome."""
    started = time.monotonic()
    error = None
    from core.audit import audit_actor

    try:
        with audit_actor(f"job:{job.key}"):  # the audit trail names the job as the actor of its changes
            job.func()
            db.session.commit()
    except Exception as exc:  # a job may raise anything; it must not take the runner down
        db.session.rollback()
        log.exception("job %s failed", job.key)
        error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=8)}"
    _finish(job.key, worker, job, error, now)
    return JobRun(job.key, error is None, error, time.monotonic() - started)


def run_job(key: str, *, force: bool = False, worker: str | None = None, now: datetime | None = None) -> JobRun | None:
    """Run one job if this worker wins its claim (``force``: even if not due, as "run now" does).

    Returns None when the job is unknown, not due, or held by another worker.
    """
    now = now or utcnow()
    worker = worker or new_worker_id()
    job = sync_jobs(now).get(key)
    if job is None or not claim(key, worker, now, force=force):
        return None
    return execute(job, worker, now)


def run_due(*, worker: str | None = None, now: datetime | None = None) -> list[JobRun]:
    """Run every due job this worker can claim, oldest due first. For cron (`netsales jobs run-due`)."""
    fixed = now  # tests pass a clock; otherwise each claim reads the real one (earlier jobs may run long)
    now = now or utcnow()
    worker = worker or new_worker_id()
    jobs = sync_jobs(now)
    due = db.session.scalars(
        select(Job.key).where(Job.key.in_(list(jobs)), Job.next_run_at <= now,
                              or_(Job.locked_until.is_(None), Job.locked_until < now))
        .order_by(Job.next_run_at, Job.key)
    ).all()
    runs = []
    for key in due:
        at = fixed or utcnow()
        if claim(key, worker, at):
            runs.append(execute(jobs[key], worker, at))
    return runs


def is_failed(job: Job) -> bool:
    return job.failures >= setting("JOB_MAX_FAILURES")
