"""The development server's job runner: a daemon thread that runs due jobs every few seconds.

Production runs `netsales jobs run-due` from cron (or a systemd timer) instead; both may run at once safely.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask

log = logging.getLogger(__name__)

DEFAULT_POLL_SECONDS = 30


def start_background_runner(app: Flask, poll_seconds: float | None = None) -> tuple[threading.Thread, threading.Event]:
    """Start the thread; set the returned event to stop it. Each round runs in an app context of its own."""
    from core.jobs.runner import new_worker_id, run_due

    every = poll_seconds if poll_seconds is not None else float(app.config.get("JOB_POLL_SECONDS",
                                                                               DEFAULT_POLL_SECONDS))
    stop = threading.Event()
    worker = new_worker_id()

    def loop() -> None:
        while not stop.is_set():
            try:
                with app.app_context():
                    run_due(worker=worker)
            except Exception:  # a database hiccup must not end the thread; the next round tries again
                log.exception("the background job runner failed a round")
            stop.wait(every)

    thread = threading.Thread(target=loop, name="netsales-jobs", daemon=True)
    thread.start()
    return thread, stop
