"""Translations of a plugin outside the repository: `netsales i18n compile/check PATH`, and the check refuses a
catalogue that pybabel would not compile (fuzzy header) or that NetSales cannot read (no .mo)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from core.i18n_tools import main, plugin_domain, problems
from core.scaffold import create_plugin


@pytest.fixture
def plugin_package(tmp_path):
    return create_plugin("visits", tmp_path) / "netsales_visits"


def test_a_catalogue_without_its_compiled_mo_fails_the_check_until_compiled(plugin_package, cli_runner):
    (plugin_package / "translations/zh_Hans/LC_MESSAGES/messages.mo").unlink()
    found = problems(plugin_domain(plugin_package))
    assert len(found) == 1 and "not compiled" in found[0]
    assert cli_runner("i18n", "check", str(plugin_package.parent)).exit_code != 0

    result = cli_runner("i18n", "compile", str(plugin_package.parent))  # the project folder works as well
    assert result.exit_code == 0, result.output
    assert (plugin_package / "translations/zh_Hans/LC_MESSAGES/messages.mo").is_file()
    assert problems(plugin_domain(plugin_package)) == []
    assert cli_runner("i18n", "check", str(plugin_package)).exit_code == 0


def test_a_fuzzy_header_fails_the_check_and_update_removes_it(plugin_package, cli_runner):
    po = plugin_package / "translations/en/LC_MESSAGES/messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgid ""\n', '#, fuzzy\nmsgid ""\n', 1), encoding="utf-8")
    found = problems(plugin_domain(plugin_package))
    assert any("fuzzy" in p and "header" in p for p in found)

    assert cli_runner("i18n", "update", str(plugin_package)).exit_code == 0
    cli_runner("i18n", "compile", str(plugin_package))
    assert "#, fuzzy" not in po.read_text(encoding="utf-8")
    assert problems(plugin_domain(plugin_package)) == []


def test_i18n_tools_help_is_printed_for_every_command_instead_of_a_crash(capsys):
    for argv in (["apply", "--help"], ["update", "-h"], ["--help"]):
        assert main(argv) == 0
        assert "python -m core.i18n_tools apply" in capsys.readouterr().out
    assert main(["apply"]) == 2 and main(["apply", "no-such-file.json"]) == 2


def test_apply_help_from_the_command_line_exits_cleanly():
    run = subprocess.run([sys.executable, "-m", "core.i18n_tools", "apply", "--help"], capture_output=True,
                         text=True, timeout=120, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert run.returncode == 0 and "Traceback" not in run.stderr
