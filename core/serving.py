"""Serving NetSales: gunicorn with several worker processes (``netsales run``), or Werkzeug's development server
(``netsales run --dev``). Issue 11 "Serve like production".

Both announce themselves as plain "NetSales" in the ``Server`` header: neither the server's name and version nor
Python's is anybody's business (issue 11 F8).

Scheduled jobs run in a background thread of every worker, as in the development server; each run first claims the
job with a conditional UPDATE in the database (core/jobs/runner.py), so a due job runs exactly once however many
workers, processes or hosts try. ``--no-jobs`` leaves them to cron (`netsales jobs run-due`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from flask import Flask

from core.web.headers import SERVER_HEADER

#: More workers than this rarely help one machine (and SQLite has one writer at a time).
MAX_DEFAULT_WORKERS = 8


def default_workers() -> int:
    """2 × cores + 1, gunicorn's usual advice, capped at MAX_DEFAULT_WORKERS."""
    return max(1, min(2 * (os.cpu_count() or 1) + 1, MAX_DEFAULT_WORKERS))


def shown_address(host: str, port: int) -> str:
    """The address to print: IPv6 in brackets, as a browser wants it."""
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


# ---------------------------------------------------------------------------------------------------- gunicorn


def serve_production(app: Flask, host: str, port: int, *, workers: int, threads: int, jobs: bool,
                     announce: Callable[[str], None], user: str | None = None, group: str | None = None) -> None:
    """Serve ``app`` with gunicorn until stopped (Ctrl+C or SIGTERM stop it gracefully)."""
    import gunicorn.http.wsgi
    from gunicorn.app.base import BaseApplication

    from core.extensions import db

    gunicorn.http.wsgi.SERVER = SERVER_HEADER  # its Server header, in every worker forked from here

    # The app was built here, in the master; the workers are forked from it (preload). No connection may be shared
    # across the fork: the master lets go of its own, and each worker forgets the inherited pool.
    with app.app_context():
        db.engine.dispose()

    def post_fork(_server: Any, _worker: Any) -> None:
        with app.app_context():
            db.engine.dispose(close=False)

    def when_ready(server: Any) -> None:
        for listener in server.LISTENERS:
            address = listener.sock.getsockname()
            if isinstance(address, tuple):
                announce(f"NetSales is running at {shown_address(address[0], address[1])}  (Ctrl+C stops it)")
            else:
                announce(f"NetSales is running on {address}  (Ctrl+C stops it)")

    def post_worker_init(worker: Any) -> None:
        if jobs:
            from core.jobs.background import start_background_runner

            worker.netsales_job_runner = start_background_runner(app)

    def worker_exit(_server: Any, worker: Any) -> None:
        runner = getattr(worker, "netsales_job_runner", None)
        if runner is not None:
            thread, stop = runner
            stop.set()
            thread.join(5)  # a job still running after that is rolled back; its lease runs out

    options = {
        "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": True,
        # PDFs and imports may take a while; a worker stuck longer than this is restarted.
        "timeout": 120,
        "graceful_timeout": 20,
        "accesslog": "-",
        "post_fork": post_fork,
        "when_ready": when_ready,
        "post_worker_init": post_worker_init,
        "worker_exit": worker_exit,
        "proc_name": "netsales",
        # gunicorn's control socket lives in the home folder, shared by every instance on the machine: not needed.
        "control_socket_disable": True,
    }
    if user:
        options["user"] = user
    if group:
        options["group"] = group

    class NetSalesServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

    NetSalesServer().run()


# ---------------------------------------------------------------------------------------------------- development


def serve_development(app: Flask, host: str, port: int, *, jobs: bool, announce: Callable[[str], None]) -> None:
    """Werkzeug's development server (one process, threads), with due jobs in a background thread."""
    from werkzeug import serving

    class Handler(serving.WSGIRequestHandler):
        def version_string(self) -> str:  # not "Werkzeug/3.1 Python/3.11"
            return SERVER_HEADER

    if jobs:
        from core.jobs.background import start_background_runner

        app.extensions["netsales_job_runner"] = start_background_runner(app)
    # Not app.run(): Flask ignores it inside its own CLI, which `netsales` is built on.
    server = serving.make_server(host, port, app, threaded=True, request_handler=Handler)
    bound_host, bound_port = server.server_address[:2]
    announce(f"NetSales (development server) is running at {shown_address(bound_host, bound_port)}  "
             f"(Ctrl+C stops it)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
