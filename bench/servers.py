"""Start and stop gunicorn servers on 127.0.0.1 for the HTTP benchmarks; every wait is bounded."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
#: Seconds a server may take to answer its first request (a loaded shared machine needs minutes at times).
START_TIMEOUT = 300


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(port: int, path: str = "/", timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).close()
            return
        except urllib.error.HTTPError:
            return  # it answers (a redirect to sign in, a 404): up
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port} within {timeout:.0f} s")


@contextmanager
def serving(commands: dict[str, tuple[list[str], dict[str, str], int]], log_dir: Path) -> Iterator[None]:
    """Start each {name: (argv, extra environment, port)}, wait for all, stop them (their own process groups,
    by pid) on the way out."""
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for name, (argv, env, _port) in commands.items():
            log = open(log_dir / f"{name}.log", "wb")  # noqa: SIM115 - kept open while the server runs
            processes.append(subprocess.Popen(argv, cwd=ROOT, env={**os.environ, **env}, stdout=log,
                                              stderr=subprocess.STDOUT, start_new_session=True))
        for name, (_argv, _env, port) in commands.items():
            try:
                wait_until_up(port)
            except RuntimeError:
                print(f"{name} did not answer; the end of its log:", (log_dir / f"{name}.log").read_bytes()[-3000:]
                      .decode("utf-8", "replace"), sep="\n", file=sys.stderr)
                raise
        yield
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


def netsales_command(port: int, workers: int, threads: int, jobs: bool) -> list[str]:
    return [str(BIN / "netsales"), "run", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--threads", str(threads), "--jobs" if jobs else "--no-jobs"]


def gunicorn_command(port: int, target: str, threads: int = 1) -> list[str]:
    return [str(BIN / "gunicorn"), "--workers", "1", "--threads", str(threads), "--bind", f"127.0.0.1:{port}",
            "--log-level", "warning", target]


def netsales_environment(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """What `netsales run` needs to serve the bench app's database: its URL, a secret, its instance folder."""
    return {"NETSALES_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "NETSALES_SECRET_KEY": "bench-" + "x" * 40, "NETSALES_INSTANCE_PATH": str(app.instance_path)}
