"""Uninstalling: with pip (the package disappears) the app keeps working; with `netsales plugins uninstall` the
plugin's tables go, after a confirmation and a backup (DESIGN.md "Plugins")."""

from sqlalchemy import inspect, select

import core.plugins.discovery as discovery
from core.auth.sessions import new_session_identity


def test_pip_uninstalling_an_enabled_plugin_leaves_the_app_working(make_app, make_user, monkeypatch):
    first = make_app()
    from core.setup import enable_plugins

    with first.app_context():
        enable_plugins(first, "hello")
        key = new_session_identity(make_user("someone"))
    # What `pip uninstall netsales-hello` does to discovery: the entry point is gone.
    monkeypatch.setattr(discovery, "entry_points", lambda group: [])
    after = make_app()
    engine = after.extensions["netsales"]
    assert "hello" not in engine.plugins
    client = after.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = key
    assert client.get("/").status_code == 200
    assert client.get("/hello/").status_code == 404
    with after.app_context():
        from click.testing import CliRunner

        from core.cli import cli

        cli.create_app = lambda *a: after
        listing = CliRunner().invoke(cli, ["plugins", "list"]).output
    assert "hello  ?  [not installed: enabled in the database; its data is kept]" in listing


def test_uninstall_refuses_an_enabled_plugin_then_drops_its_tables_after_a_backup(cli_runner, app, db,
                                                                                   enable_plugin, disable_plugin):
    from core.plugins.models import PluginState

    enable_plugin("hello")
    refused = cli_runner("plugins", "uninstall", "hello", "--yes")
    assert refused.exit_code == 1 and "Disable hello" in refused.output
    disable_plugin("hello")
    aborted = cli_runner("plugins", "uninstall", "hello", input="n\n")
    assert aborted.exit_code == 1
    assert "hello_greeting" in inspect(db.engine).get_table_names()
    try:
        done = cli_runner("plugins", "uninstall", "hello", "--yes")
        assert done.exit_code == 0, done.output
        assert "dropped tables: hello_greeting" in done.output
        assert "hello_greeting" not in inspect(db.engine).get_table_names()
        assert db.session.scalar(select(PluginState).where(PluginState.name == "hello")) is None
        if db.engine.dialect.name == "sqlite":
            assert "Backed up to" in done.output
    finally:
        enable_plugin("hello")  # the session's shared schema gets its tables back
    assert "hello_greeting" in inspect(db.engine).get_table_names()
