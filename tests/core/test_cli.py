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
