"""`netsales plugins new`: the generated plugin is laid out like the built-ins, installs with pip, and passes its own
tests (the test kit and the contract suite) with no edit."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from core.i18n_tools import plugin_domain, problems
from core.scaffold import create_plugin

PROBE = "scaffoldprobe"  # a name no other test uses, so a leftover install is recognisable
PROBE_DIST = f"netsales-{PROBE}"


def test_the_scaffold_writes_a_package_laid_out_like_the_builtin_plugins(tmp_path):
    project = create_plugin("field_visits", tmp_path, title="Field visits", title_zh="外勤拜访")
    package = project / "netsales_field_visits"
    for path in ("pyproject.toml", "README.md", "Makefile", "tests/test_contract.py", "tests/test_items.py",
                 "tests/test_migrations.py", "tests/test_translations.py"):
        assert (project / path).is_file(), path
    for path in ("plugin.toml", "__init__.py", "hooks.py", "models.py", "forms.py", "search.py",
                 "services/__init__.py", "services/items.py", "views/__init__.py", "views/items.py",
                 "templates/field_visits/index.html", "translations/zh_Hans/LC_MESSAGES/messages.mo",
                 "translations/en/LC_MESSAGES/messages.mo"):
        assert (package / path).is_file(), path
    assert '[project.entry-points."netsales.plugins"]\nfield_visits = "netsales_field_visits"' in (
        project / "pyproject.toml").read_text()
    assert len(list((package / "migrations" / "versions").glob("*_field_visits_items.py"))) == 1
    assert problems(plugin_domain(package)) == []  # Chinese and English complete, compiled, no fuzzy header
    assert 'msgstr "外勤拜访"' in (package / "translations/zh_Hans/LC_MESSAGES/messages.po").read_text()


@pytest.mark.parametrize("name", ["Bad-Name", "x", "1abc", "class", "core", "crm", "hello", "a" * 31])
def test_a_name_that_cannot_be_a_plugin_is_refused_and_nothing_is_written(cli_runner, tmp_path, name):
    result = cli_runner("plugins", "new", name, "--path", str(tmp_path))
    assert result.exit_code != 0 and "Error" in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_not_overwritten(cli_runner, tmp_path):
    (tmp_path / "netsales-visits").mkdir()
    (tmp_path / "netsales-visits" / "notes.txt").write_text("mine")
    result = cli_runner("plugins", "new", "visits", "--path", str(tmp_path))
    assert result.exit_code != 0 and "not empty" in result.output
    assert [p.name for p in (tmp_path / "netsales-visits").iterdir()] == ["notes.txt"]


def _pip(*args: str, timeout: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True, timeout=timeout)


def _uninstall_probe() -> None:
    _pip("uninstall", "-y", "-q", PROBE_DIST, timeout=120)  # nothing to do (and harmless) if it is not installed


def test_the_generated_plugin_installs_enables_and_passes_its_own_tests(tmp_path, app):
    project = create_plugin(PROBE, tmp_path, title="Probe", title_zh="探针")
    _uninstall_probe()  # a leftover of an interrupted run
    try:
        installed = _pip("install", "--no-deps", "--no-build-isolation", "-q", "-e", str(project), timeout=300)
        assert installed.returncode == 0, installed.stdout + installed.stderr
        # This (running) process notices the new package and says a restart loads it (the Modules page shows it).
        assert PROBE in [a.name for a in app.extensions["netsales"].installed_since_start()]
        # Its own tests, as its author runs them: a new process (which sees the new entry point and package),
        # on the same kind of database as this run (NETSALES_TEST_DATABASE_URL is passed on).
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                             cwd=project, env=env, capture_output=True, text=True, timeout=900)
        assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
        assert " passed" in run.stdout and "contract" in (project / "tests" / "test_contract.py").read_text()
    finally:
        _uninstall_probe()
    assert PROBE_DIST not in _pip("list", "--format=freeze", timeout=120).stdout
