"""Fixtures of the PDF tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import ChoiceLoader, FileSystemLoader

HERE = Path(__file__).parent


@pytest.fixture
def report_templates(app):
    """A report template of the tests' own, the way a plugin ships one under templates/<plugin>/."""
    # The environment's loader dispatches to the app's and every blueprint's templates: put it back as it was.
    original = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader([FileSystemLoader(str(HERE / "templates")), original])
    yield
    app.jinja_env.loader = original
