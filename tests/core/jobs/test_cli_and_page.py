"""`netsales jobs run-due` / `list` (issue 2 §6) and the /admin/jobs page (issue 4: last run, next run, failures,
run now)."""

from __future__ import annotations

from core.jobs.runner import run_due
from tests.core.jobs.conftest import run_cli


def test_run_due_runs_what_is_due_and_says_how_it_went(jobs_app, demo):
    result = run_cli(jobs_app, "jobs", "run-due")
    assert result.exit_code == 0
    assert "jobsdemo.tick: ok" in result.output
    assert "jobsdemo.flaky: FAILED: RuntimeError: the partner system is down" in result.output
    assert run_cli(jobs_app, "jobs", "run-due").output.strip() == "No job was due."
    assert demo.RUNS.count("tick") == 1


def test_the_commands_open_their_own_app_context(jobs_app, demo):
    import threading

    outputs = []
    thread = threading.Thread(target=lambda: outputs.append(run_cli(jobs_app, "jobs", "run-due").output))
    thread.start()  # a new thread has no app context, as under cron
    thread.join(30)
    assert "jobsdemo.tick: ok" in outputs[0]


def test_the_development_server_runs_due_jobs_in_the_background(jobs_app, demo, monkeypatch):
    import time


    served = []

    class FakeServer:  # instead of blocking in the development server, wait for jobs
        def __init__(self, host, port, app, **options):
            self.server_address = (host, port)
            served.append({"port": port, **options})

        def serve_forever(self):
            deadline = time.monotonic() + 10
            while "tick" not in demo.RUNS and time.monotonic() < deadline:
                time.sleep(0.05)

        def server_close(self):
            pass

    from werkzeug import serving

    monkeypatch.setattr(serving, "make_server", FakeServer)
    jobs_app.config["JOB_POLL_SECONDS"] = 0.05
    result = run_cli(jobs_app, "run", "--dev", "--port", "5999")
    thread, stop = jobs_app.extensions.pop("netsales_job_runner")
    stop.set()
    thread.join(5)
    assert result.exit_code == 0 and served and served[0]["port"] == 5999
    assert demo.RUNS.count("tick") == 1


def test_jobs_list_shows_schedule_failures_and_last_error(jobs_app, demo):
    run_due()
    output = run_cli(jobs_app, "jobs", "list").output
    assert "jobsdemo.tick  every 3600s  [ok]  failures 0" in output
    assert "jobsdemo.flaky  every 3600s  [retrying]  failures 1" in output
    assert "last error: RuntimeError: the partner system is down" in output


def test_jobs_run_runs_one_job_now(jobs_app, demo):
    run_due()
    assert "jobsdemo.tick: ok" in run_cli(jobs_app, "jobs", "run", "jobsdemo.tick").output
    assert demo.RUNS.count("tick") == 2
    assert "No job called nosuch" in run_cli(jobs_app, "jobs", "run", "nosuch").output


def test_the_jobs_page_needs_the_permission(jobs_app, make_user, login_as):
    client = jobs_app.test_client()
    assert client.get("/admin/jobs/").status_code == 302
    login_as(make_user(roles=["sales_rep"]), on=client)
    assert client.get("/admin/jobs/").status_code == 403
    assert client.post("/admin/jobs/jobsdemo.tick/run").status_code == 403


def test_an_administrator_sees_every_job_and_runs_one_now(jobs_app, demo, make_user, login_as):
    run_due()
    client = login_as(make_user("boss", roles=["admin"], locale="en"), on=jobs_app.test_client())
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert "jobsdemo.tick" in page and "Counts its runs" in page
    assert "jobsdemo.flaky" in page and "the partner system is down" in page and "Failed, will retry" in page
    assert "core.send_outbox" in page and "Email outbox" in page

    done = client.post("/admin/jobs/jobsdemo.tick/run", follow_redirects=True).get_data(as_text=True)
    assert "jobsdemo.tick ran successfully." in done
    assert demo.RUNS.count("tick") == 2
    failed = client.post("/admin/jobs/jobsdemo.flaky/run", follow_redirects=True).get_data(as_text=True)
    assert "jobsdemo.flaky failed: RuntimeError: the partner system is down" in failed
    assert client.post("/admin/jobs/nosuch/run").status_code == 404
