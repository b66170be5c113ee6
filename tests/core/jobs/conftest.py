"""A throwaway plugin with two jobs (one that counts its runs, one that fails on demand) and a test clock."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask

from core.timeutil import utcnow

HOOKS = '''
import threading
import time

from core.contracts import ScheduledJob

RUNS = []
LOCK = threading.Lock()
STATE = {"fail": True, "sleep": 0.0}


def tick():
    with LOCK:
        RUNS.append("tick")
    time.sleep(STATE["sleep"])


def flaky():
    if STATE["fail"]:
        raise RuntimeError("the partner system is down")
    RUNS.append("flaky")


@hookimpl
def register_scheduled_jobs():
    return [ScheduledJob("jobsdemo.tick", tick, 3600, "Counts its runs"),
            ScheduledJob("jobsdemo.flaky", flaky, 3600, "Fails until told otherwise")]
'''


@pytest.fixture
def jobs_app(temp_plugin: Any, make_app: Any) -> Iterator[Flask]:
    from core.setup import enable_plugins

    temp_plugin("jobsdemo", hooks=HOOKS)
    app = make_app(enable="none")
    with app.app_context():
        enable_plugins(app, "jobsdemo")
        yield app


@pytest.fixture
def demo() -> Any:
    """The jobsdemo hooks module: RUNS (what ran) and STATE (make flaky fail or not, make tick slow)."""
    return sys.modules["jobsdemo.hooks"]


class Clock:
    """A clock the runner reads instead of the real one, moved by the test."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    for module in ("core.jobs.runner", "core.notifications.outbox"):
        monkeypatch.setattr(f"{module}.utcnow", fake)
    return fake


def run_cli(app: Flask, *args: str) -> Result:
    from core.cli import cli

    cli.create_app = lambda *a: app  # type: ignore[attr-defined]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)
