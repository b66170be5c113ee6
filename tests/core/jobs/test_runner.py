"""Scheduled jobs (issue 4 §4, "Done means"): synced from register_scheduled_jobs, claimed with a lease so that two
workers never run the same job, retried with back-off, failed after N tries, a crashed worker's lease expires."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from core.extensions import db
from core.jobs.models import Job
from core.jobs.runner import backoff_seconds, claim, is_failed, run_due, run_job


def ours(runs: list) -> list:
    """The runs of the test plugin's jobs (the core has jobs of its own)."""
    return [r for r in runs if r.key.startswith("jobsdemo.")]


def job(key: str) -> Job:
    db.session.expire_all()
    return db.session.scalar(select(Job).where(Job.key == key))


def test_declared_jobs_are_synced_and_run_once_when_due(jobs_app, demo, clock):
    demo.STATE["fail"] = False
    runs = ours(run_due())
    assert sorted(r.key for r in runs) == ["jobsdemo.flaky", "jobsdemo.tick"]
    assert all(r.ok for r in runs)
    tick = job("jobsdemo.tick")
    assert tick.last_success_at == clock.now and tick.failures == 0 and tick.locked_by is None
    assert tick.next_run_at == clock.now + timedelta(seconds=3600)

    clock.advance(minutes=59)
    assert ours(run_due()) == []
    clock.advance(minutes=2)
    assert {r.key for r in ours(run_due())} == {"jobsdemo.tick", "jobsdemo.flaky"}
    assert demo.RUNS.count("tick") == 2


def test_two_workers_in_two_processes_never_run_the_same_job(jobs_app, make_app, demo):
    demo.STATE.update(fail=False, sleep=0.3)  # a slow job: the second worker arrives while it runs
    other_process = make_app(enable="none")
    apps = [jobs_app, other_process]
    for _round in range(3):
        barrier = threading.Barrier(2)
        results: list[list] = [[], []]
        errors: list[BaseException] = []

        def work(index: int, barrier=barrier, results=results, errors=errors) -> None:
            try:
                with apps[index].app_context():
                    barrier.wait()
                    results[index] = run_due()
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert errors == []
        ran = [r.key for result in results for r in ours(result)]
        assert sorted(ran) == ["jobsdemo.flaky", "jobsdemo.tick"]  # each once, between the two workers
        db.session.execute(Job.__table__.update().where(Job.key.like("jobsdemo.%"))
                           .values(next_run_at=job("jobsdemo.tick").last_run_at))
        db.session.commit()
    assert demo.RUNS.count("tick") == 3


def test_a_crashed_workers_lease_expires_and_another_worker_runs_the_job(jobs_app, demo, clock):
    run_due()  # sync; flaky fails, tick runs
    clock.advance(hours=2)
    assert claim("jobsdemo.tick", "host-a:123:crashed", clock.now)  # ... and then the worker dies
    assert not claim("jobsdemo.tick", "host-b:456:x", clock.now)  # the lease holds
    assert "jobsdemo.tick" not in [r.key for r in run_due()]

    clock.advance(seconds=jobs_app.config.get("JOB_LEASE_SECONDS", 600) + 1)
    runs = run_due()
    assert "jobsdemo.tick" in [r.key for r in runs]
    assert demo.RUNS.count("tick") == 2
    assert job("jobsdemo.tick").locked_by is None


def test_a_failing_job_backs_off_exponentially_is_failed_after_n_tries_and_a_success_resets_it(jobs_app, demo, clock):
    jobs_app.config["JOB_MAX_FAILURES"] = 3
    flaky = next(r for r in run_due() if r.key == "jobsdemo.flaky")
    assert not flaky.ok and "the partner system is down" in flaky.error
    row = job("jobsdemo.flaky")
    assert row.failures == 1 and "RuntimeError" in row.last_error and not is_failed(row)
    assert row.next_run_at == clock.now + timedelta(seconds=60)

    waits = []
    for failures in (2, 3):
        previous = job("jobsdemo.flaky").next_run_at
        clock.now = previous - timedelta(seconds=1)
        assert run_job("jobsdemo.flaky") is None  # not due yet
        clock.now = previous
        assert [r.ok for r in ours(run_due())] == [False]
        row = job("jobsdemo.flaky")
        assert row.failures == failures
        waits.append((row.next_run_at - clock.now).total_seconds())
    assert waits == [backoff_seconds(2), backoff_seconds(3)] == [120, 240]
    assert is_failed(job("jobsdemo.flaky"))

    demo.STATE["fail"] = False
    clock.now = job("jobsdemo.flaky").next_run_at
    assert [r.ok for r in ours(run_due())] == [True]
    row = job("jobsdemo.flaky")
    assert row.failures == 0 and row.last_error is None and not is_failed(row)
    assert row.next_run_at == clock.now + timedelta(seconds=3600)


def test_back_off_is_capped(jobs_app):
    assert backoff_seconds(1) == 60
    assert backoff_seconds(30) == 3600


def test_a_job_that_raises_leaves_nothing_half_done(jobs_app, temp_plugin, make_app, clock):
    from core.identity.models import Department

    def half_done() -> None:
        db.session.add(Department(name="Half done"))
        db.session.flush()
        raise RuntimeError("stop")

    from core.contracts import ScheduledJob
    from core.jobs.runner import execute

    run_due()
    assert claim("jobsdemo.tick", "w1", clock.advance(hours=2))
    result = execute(ScheduledJob("jobsdemo.tick", half_done, 3600), "w1", clock.now)
    assert not result.ok
    assert db.session.scalar(select(Department).where(Department.name == "Half done")) is None


def test_run_now_runs_a_job_that_is_not_due_but_not_one_another_worker_holds(jobs_app, demo, clock):
    run_due()
    result = run_job("jobsdemo.tick", force=True)
    assert result is not None and result.ok and demo.RUNS.count("tick") == 2
    assert claim("jobsdemo.tick", "elsewhere", clock.now, force=True)
    assert run_job("jobsdemo.tick", force=True) is None
    assert run_job("nosuch.job", force=True) is None


def test_jobs_of_a_disabled_plugin_do_not_run_and_their_row_is_kept(jobs_app, demo, clock):
    from core.setup import disable_plugins

    run_due()
    disable_plugins(jobs_app, "jobsdemo")
    clock.advance(days=1)
    assert ours(run_due()) == []
    assert job("jobsdemo.tick") is not None


def test_the_background_runner_runs_due_jobs_and_stops(jobs_app, demo):
    import time

    from core.jobs.background import start_background_runner

    demo.STATE["fail"] = False
    thread, stop = start_background_runner(jobs_app, poll_seconds=0.05)
    try:
        deadline = time.monotonic() + 10
        while "tick" not in demo.RUNS and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(5)
    assert demo.RUNS.count("tick") == 1
    assert not thread.is_alive()
