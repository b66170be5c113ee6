"""The netsales command (issue 2 §6)."""

from pathlib import Path

from core.identity.models import User


def test_plugins_list_shows_version_state_dependencies_and_clauses(cli_runner):
    out = cli_runner("plugins", "list").output
    assert "hello  1.0.0  [disabled]  (entry point)" in out
    assert "clauses: R8.1.2" in out


def test_plugins_enable_and_disable_say_what_they_did(make_app, temp_plugin):
    # This test builds its own app with two temp plugins, so it drives the command group directly.
    temp_plugin("alpha")
    temp_plugin("beta", depends=["alpha"])
    app = make_app()
    from click.testing import CliRunner

    from core.cli import cli

    cli.create_app = lambda *a: app
    run = lambda *args: CliRunner().invoke(cli, list(args))  # noqa: E731
    result = run("plugins", "enable", "beta")
    assert result.exit_code == 0
    assert "Also enabled, because beta needs them: alpha" in result.output
    refused = run("plugins", "disable", "alpha")
    assert refused.exit_code == 1 and "beta depend on it" in refused.output
    assert "Disabled beta" in run("plugins", "disable", "beta").output
    assert "already disabled" in run("plugins", "disable", "beta").output
    assert run("plugins", "enable", "nosuch").exit_code == 1


def test_init_is_safe_to_repeat_and_demo_only_goes_into_an_empty_database(cli_runner, db, disable_plugin):
    for name in ("pipeline", "crm", "expenses"):  # their demo data is tested with them; keep this test quick
        disable_plugin(name)
    first = cli_runner("init", "--demo")
    assert "Demo logins (password: netsales-demo)" in first.output
    people = db.session.query(User).count()
    assert people >= 1 + 1 + 3 * 4 + 3  # admin, manager, supervisors and their reps, hr, finance, head
    second = cli_runner("init", "--demo")
    assert "only goes into a new database" in second.output
    assert db.session.query(User).count() == people


def test_backup_writes_a_sqlite_copy_or_prints_the_pg_dump_command(cli_runner, app, tmp_path):
    target = tmp_path / "copy.db"
    out = cli_runner("backup", "--to", str(target)).output
    if app.config["DATABASE_URL"].startswith("sqlite"):
        assert Path(target).stat().st_size > 0
        assert "Backed up to" in out
    else:
        assert "pg_dump --format=custom" in out


# ---------------------------------------------------------------------------------------------------- netsales run
# Issue 11 "Serve like production": `netsales run` is gunicorn with several workers, `--dev` the development server;
# both print the address they are bound to, hide their name and Python's from the Server header (F8), and run each
# due job exactly once. Each test starts the real command on a free port of 127.0.0.1 and stops it, within bounds.

JOB_HOOKS = '''
import os

from core.contracts import ScheduledJob


def once():
    with open(os.environ["NETSALES_TEST_JOB_LOG"], "a") as log:
        log.write(f"{os.getpid()}\\n")


@hookimpl
def register_scheduled_jobs():
    return [ScheduledJob("runonce.once", once, 3600, "Notes each run")]
'''
START_SECONDS = 90  # bounds, not measurements: a slow machine waits longer, nothing asserts on time
STOP_SECONDS = 30


class Served:
    """A `netsales run` subprocess: its output read by threads, its address once it said it."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        import subprocess
        import sys
        import threading

        command = [str(Path(sys.executable).with_name("netsales")), "run", "--host", "127.0.0.1", "--port", "0",
                   *args]
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(target=lambda s=stream, ls=lines: ls.extend(iter(s.readline, "")), daemon=True).start()

    def address(self) -> str:
        import re
        import time

        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and self.process.poll() is None:
            for line in list(self.out):
                found = re.search(r"running at (http://\S+)", line)
                if found:
                    return found.group(1)
            time.sleep(0.1)
        raise AssertionError(f"no address announced; stdout {self.out!r}, stderr {''.join(self.err)[-3000:]}")

    def stop(self) -> int:
        import signal
        import subprocess

        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(STOP_SECONDS)
            raise AssertionError("the server did not stop when asked") from None


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    from urllib.request import urlopen

    with urlopen(url, timeout=30) as answer:  # noqa: S310 (a local test server)
        return answer.status, dict(answer.headers), answer.read()


def serving_env(netsales_database, tmp_path, plugin_paths, **extra: str) -> dict[str, str]:
    import json
    import os

    env = {key: value for key, value in os.environ.items() if not key.startswith("NETSALES_")}
    env.update({
        "NETSALES_DATABASE_URL": netsales_database.url,
        "NETSALES_INSTANCE_PATH": str(tmp_path / "served-instance"),
        "NETSALES_SECRET_KEY": "netsales-tests",
        "NETSALES_PLUGIN_PATHS": json.dumps(list(plugin_paths)),
        "NETSALES_JOB_POLL_SECONDS": "0.2",
        **extra,
    })
    return env


def assert_anonymous_server_header(headers: dict[str, str]) -> None:
    server = headers.get("Server", "")
    assert server == "NetSales", server
    for leak in ("werkzeug", "gunicorn", "python"):
        assert leak not in server.lower()


def test_netsales_run_serves_with_gunicorn_workers_and_runs_each_due_job_once(
        make_app, temp_plugin, plugin_paths, netsales_database, tmp_path):
    import time

    from core.setup import enable_plugins

    temp_plugin("runonce", hooks=JOB_HOOKS)
    app = make_app(enable="none")
    with app.app_context():
        enable_plugins(app, "runonce")
    log = tmp_path / "job.log"
    served = Served(["--workers", "3", "--threads", "2"],
                    serving_env(netsales_database, tmp_path, plugin_paths, NETSALES_TEST_JOB_LOG=str(log)))
    try:
        address = served.address()
        assert address.startswith("http://127.0.0.1:") and not address.endswith(":0/")
        status, headers, body = fetch(address + "health")
        assert status == 200 and b'"ok"' in body
        assert_anonymous_server_header(headers)
        deadline = time.monotonic() + START_SECONDS
        while not (log.exists() and log.read_text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(2)  # every worker's runner has polled several more times meanwhile
        assert len(log.read_text().splitlines()) == 1  # three workers tried; one ran it
    finally:
        code = served.stop()
    stderr = "".join(served.err)
    assert stderr.count("Booting worker") == 3, stderr[-3000:]
    assert code == 0


def test_netsales_run_dev_is_the_development_server_and_hides_its_name_too(
        make_app, plugin_paths, netsales_database, tmp_path):
    served = Served(["--dev", "--no-jobs"], serving_env(netsales_database, tmp_path, plugin_paths))
    try:
        address = served.address()
        status, headers, _body = fetch(address + "health")
        assert status == 200
        assert_anonymous_server_header(headers)
    finally:
        served.stop()
    assert "development server" in "".join(served.out)
    assert "Booting worker" not in "".join(served.err)


def test_the_default_number_of_workers_follows_the_cores_within_a_cap(monkeypatch):
    import os

    from core.serving import MAX_DEFAULT_WORKERS, default_workers

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert default_workers() == 5
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert default_workers() == MAX_DEFAULT_WORKERS
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert default_workers() == 3
