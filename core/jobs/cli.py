"""`netsales jobs ...`: run the due jobs (for cron), list them, run one now."""

from __future__ import annotations

from typing import Any

import click
from flask.cli import AppGroup

from core.jobs.runner import JobRun, is_failed, registered_jobs, run_due, run_job, sync_jobs


@click.group("jobs", cls=AppGroup)  # AppGroup: each command runs inside an app context
def jobs_group() -> None:
    """Scheduled jobs."""


def _report(run: JobRun) -> None:
    if run.ok:
        click.echo(f"{run.key}: ok ({run.seconds:.1f}s)")
    else:
        click.echo(f"{run.key}: FAILED: {(run.error or '').splitlines()[0]}")


@jobs_group.command("run-due")
def run_due_command() -> None:
    """Run every job that is due; for cron, e.g. every minute. Safe to run on several hosts at once."""
    runs = run_due()
    for run in runs:
        _report(run)
    if not runs:
        click.echo("No job was due.")


@jobs_group.command("run")
@click.argument("key")
def run_command(key: str) -> None:
    """Run one job now, due or not (unless another worker is running it)."""
    if key not in registered_jobs():
        raise click.ClickException(f"No job called {key} (is its module enabled?).")
    run = run_job(key, force=True)
    if run is None:
        raise click.ClickException(f"{key} is running in another worker; try again when it has finished.")
    _report(run)


@jobs_group.command("list")
def list_command() -> None:
    """Every job of the core and the enabled modules: interval, last and next run, failures."""
    from sqlalchemy import select

    from core.extensions import db
    from core.jobs.models import Job

    jobs = sync_jobs()
    if not jobs:
        click.echo("No jobs are declared.")
        return
    rows = {row.key: row for row in db.session.scalars(select(Job).where(Job.key.in_(list(jobs))))}
    for key in sorted(jobs):
        row = rows[key]
        state = "FAILED" if is_failed(row) else ("retrying" if row.failures else "ok")
        click.echo(f"{key}  every {row.interval_seconds}s  [{state}]  failures {row.failures}")
        click.echo(f"    last run {_when(row.last_run_at)}, last success {_when(row.last_success_at)}, "
                   f"next run {_when(row.next_run_at)} (UTC)")
        if jobs[key].description:
            click.echo(f"    {jobs[key].description}")
        if row.last_error:
            click.echo(f"    last error: {row.last_error.splitlines()[0]}")


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "never"


def attach(cli: click.Group) -> None:
    """Add `jobs` to the `netsales` group (`netsales run` starts the background runner itself)."""
    cli.add_command(jobs_group)
