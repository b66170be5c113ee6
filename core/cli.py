"""The ``netsales`` command: init, run, db, plugins, demo, backup, users."""

from __future__ import annotations

import os
import random
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup
from sqlalchemy.engine import make_url

from core.config import ConfigError
from core.extensions import db
from core.plugins.engine import PluginError


def _engine():  # type: ignore[no-untyped-def]
    return current_app.extensions["netsales"]


@click.group(cls=FlaskGroup, add_default_commands=False, add_version_option=False,
             help="NetSales (網銷管家) administration.")
def cli() -> None:
    pass


# ---------------------------------------------------------------------------------------------------- init, run, demo


@cli.command()
@click.option("--demo", is_flag=True, help="Also load the demo company if the database is new.")
@click.option("--admin-password", envvar="NETSALES_ADMIN_PASSWORD", help="Password for a newly created admin.")
def init(demo: bool, admin_password: str | None) -> None:
    """Create or upgrade the database, enable the built-in modules, create the administrator. Safe to repeat."""
    from core.identity.demo import demo_password
    from core.setup import initialise

    if demo and not admin_password:
        admin_password = demo_password()  # a new demo database: every demo login shares one password
    result = initialise(current_app, admin_password=admin_password)
    if result["enabled"]:
        click.echo(f"Enabled modules: {', '.join(result['enabled'])}")
    if demo:
        _load_demo(strict=False)
    if result["created_admin"] and not demo:
        click.echo(f"Created the administrator: login admin, password {result['created_admin']}")
    click.echo("Database ready.")


@cli.command()
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"), show_default="$HOST or 127.0.0.1")
@click.option("--port", default=lambda: int(os.environ.get("PORT", "5000")), type=click.IntRange(0, 65535),
              show_default="$PORT or 5000; 0 picks a free one")
@click.option("--workers", envvar="NETSALES_WORKERS", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: 2 x cores + 1, at most 8). $NETSALES_WORKERS also sets it.")
@click.option("--threads", envvar="NETSALES_THREADS", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Threads per worker process.")
@click.option("--jobs/--no-jobs", "jobs", envvar="NETSALES_RUN_JOBS", default=True, show_default=True,
              help="Run due scheduled jobs in the server (--no-jobs: cron runs `netsales jobs run-due`).")
@click.option("--user", envvar="NETSALES_RUN_USER", default=None,
              help="Run the worker processes as this system user (when started as root).")
@click.option("--group", envvar="NETSALES_RUN_GROUP", default=None,
              help="Run the worker processes in this system group (with --user).")
@click.option("--dev", is_flag=True, help="Werkzeug's development server instead: one process, for development.")
def run(host: str, port: int, workers: int | None, threads: int, jobs: bool, user: str | None, group: str | None,
        dev: bool) -> None:
    """Serve NetSales with gunicorn (several worker processes), or with the development server (--dev).

    Behind a reverse proxy: see docs/operations.md."""
    from core.serving import default_workers, serve_development, serve_production

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if dev:
        serve_development(app, host, port, jobs=jobs, announce=click.echo)
        return
    serve_production(app, host, port, workers=workers or default_workers(), threads=threads, jobs=jobs,
                     announce=click.echo, user=user, group=group)


def _load_demo(strict: bool) -> None:
    from core.demo import DemoError, load_demo, print_logins

    try:
        load_demo(current_app, random.Random(20261127))
    except DemoError as exc:
        if strict:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Demo company not loaded: {exc}")
    print_logins(click.echo)


@cli.command()
def demo() -> None:
    """Load the demo company from every enabled module, into a new database only."""
    _load_demo(strict=True)


# ---------------------------------------------------------------------------------------------------- db


@cli.group("db")
def db_group() -> None:
    """Database migrations."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply the core's migrations, then each enabled module's, in dependency order."""
    from core.setup import sync_declarations, upgrade_all

    done = upgrade_all(current_app)
    sync_declarations(current_app)  # permissions of new versions, now that their tables exist
    click.echo(f"Up to date: {', '.join(done)}")


@db_group.command("revision")
@click.option("--plugin", "owner", default="core", help="The module whose lineage gets the revision.")
@click.option("-m", "--message", required=True)
@click.option("--empty", is_flag=True, help="Do not compare the models with the database.")
def db_revision(owner: str, message: str, empty: bool) -> None:
    """Write a new migration, compared against the models (the database must be at head first)."""
    from core.db import migrations

    if owner == "core":
        lineage = migrations.core_lineage()
    else:
        plugin = _engine().plugins.get(owner)
        if plugin is None or plugin.package_dir is None:
            raise click.ClickException(f"No installed module called {owner}.")
        lineage = migrations.Lineage(owner, plugin.package_dir / "migrations" / "versions")
    path = migrations.revision(db.engine, lineage, message, autogenerate=not empty)
    click.echo(f"Wrote {path}")


# ---------------------------------------------------------------------------------------------------- plugins


@cli.group("plugins")
def plugins_group() -> None:
    """List, enable and disable modules."""


@plugins_group.command("list")
def plugins_list() -> None:
    """Every module found, with version, state, dependencies and the regulation clauses it serves."""
    engine = _engine()
    engine.refresh(db.session)
    if not engine.database_ready:
        click.echo("(the database is not initialised yet: run `netsales init`; all modules show as disabled)")
    if not engine.plugins:
        click.echo("No modules are installed.")
    click.echo(f"({RESTART_NOTE})")
    for name, enabled in sorted(engine.missing.items()):
        was = "enabled" if enabled else "disabled"
        click.echo(f"{name}  ?  [not installed: {was} in the database; its data is kept]")
    for name in sorted(engine.plugins):
        plugin = engine.plugins[name]
        manifest = plugin.manifest
        click.echo(f"{name}  {manifest.version if manifest else '?'}  [{engine.state_label(name)}]  ({plugin.source})")
        if manifest:
            click.echo(f"    {manifest.title_for('en')}")
            click.echo(f"    depends: {', '.join(manifest.depends) or '-'}")
            click.echo(f"    clauses: {', '.join(manifest.clauses) or '-'}")


@plugins_group.command("enable")
@click.argument("name")
def plugins_enable(name: str) -> None:
    """Enable a module, and the modules it depends on (it says which)."""
    from core.setup import enable_plugins

    try:
        enabled = enable_plugins(current_app, name)
    except PluginError as exc:
        raise click.ClickException(str(exc)) from exc
    if not enabled:
        click.echo(f"{name} is already enabled.")
        return
    extra = [n for n in enabled if n != name]
    if extra:
        click.echo(f"Also enabled, because {name} needs them: {', '.join(extra)}")
    click.echo(f"Enabled {name}. If it was installed after a running NetSales started, restart NetSales to load it.")


@plugins_group.command("disable")
@click.argument("name")
def plugins_disable(name: str) -> None:
    """Disable a module; refused while enabled modules depend on it. Deletes nothing."""
    from core.setup import disable_plugins

    try:
        disabled = disable_plugins(current_app, name)
    except PluginError as exc:
        raise click.ClickException(str(exc)) from exc
    if not disabled:
        click.echo(f"{name} is already disabled.")
        return
    click.echo(f"Disabled {', '.join(disabled)}. Their data is kept; enable to bring it back.")


@plugins_group.command("uninstall")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def plugins_uninstall(name: str, yes: bool) -> None:
    """Drop a disabled module's tables and data, after a backup. Cannot be undone except from the backup."""
    from core.setup import uninstall_plugin

    engine = _engine()
    engine.refresh(db.session)
    if name in engine.plugins and engine.is_enabled(name):
        raise click.ClickException(f"Disable {name} before uninstalling it.")
    if not yes:
        click.confirm(f"This deletes every record of {name} for good. A backup is taken first. Continue?",
                      abort=True)
    ctx = click.get_current_context()
    ctx.invoke(backup, target=None)
    if make_url(current_app.config["DATABASE_URL"]).get_backend_name() != "sqlite" and not yes:
        click.confirm("Run the pg_dump command above now, in another terminal. Done?", abort=True)
    try:
        dropped = uninstall_plugin(current_app, name)
    except PluginError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Uninstalled {name}; dropped tables: {', '.join(dropped) or 'none'}.")


@plugins_group.command("new")
@click.argument("name")
@click.option("--path", "parent", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default="the current folder", help="Folder to create netsales-NAME/ in.")
@click.option("--title", default=None, help="English title (menu, Modules page). Default: from NAME.")
@click.option("--title-zh", default=None, help="Chinese title. Default: the English one (translate it later).")
@click.option("--author", default="Your name", show_default=True)
def plugins_new(name: str, parent: Path, title: str | None, title_zh: str | None, author: str) -> None:
    """Write a new plugin NAME, laid out like the built-in ones, ready to pip install, enable and test.

    NAME is the plugin's name: lowercase letters, digits and _ (the table prefix, URL and permission namespace).
    See docs/plugin-guide.md."""
    from core.scaffold import ScaffoldError, create_plugin

    if name in _engine().plugins:
        raise click.ClickException(f"A plugin called {name} is already installed; choose another name.")
    try:
        target = create_plugin(name, parent, title=title, title_zh=title_zh, author=author)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Wrote {target}")
    click.echo("Next, in NetSales's virtualenv:")
    click.echo(f"  pip install -e {target}")
    click.echo(f"  netsales plugins enable {name}        (restart a running NetSales first: see below)")
    click.echo(f"  cd {target} && python -m pytest")
    click.echo(RESTART_NOTE)


#: Flask cannot add a blueprint once it has served a request, so a package installed while NetSales runs is
#: loaded at the next start (core/web/admin_plugins.py says the same on the Modules page).
RESTART_NOTE = ("A module installed with pip while NetSales is running is loaded when NetSales restarts "
                "(every process); enabling and disabling an installed module takes effect at once.")


# ---------------------------------------------------------------------------------------------------- i18n


@cli.group("i18n")
def i18n_group() -> None:
    """A plugin's translation catalogues: extract, check, compile (PATH: the plugin's package or project folder)."""


def _plugin_package(path: Path) -> Path:
    """The plugin package at ``path``, or the one package with a plugin.toml inside the project folder ``path``."""
    path = path.resolve()
    if (path / "plugin.toml").is_file() or (path / "translations").is_dir():
        return path
    packages = sorted(p.parent for p in path.glob("*/plugin.toml"))
    if len(packages) != 1:
        raise click.ClickException(f"No plugin package (a folder with plugin.toml) found in {path}."
                                   if not packages else f"Several plugin packages in {path}: name one of them.")
    return packages[0]


_PATH = click.Path(exists=True, file_okay=False, path_type=Path)


@i18n_group.command("compile")
@click.argument("path", type=_PATH)
def i18n_compile(path: Path) -> None:
    """Compile the plugin's .po catalogues to .mo (what NetSales reads)."""
    from core.i18n_compile import compile_catalogues, plugin_catalogue_files

    catalogues = plugin_catalogue_files(_plugin_package(path))
    if not catalogues:
        raise click.ClickException(f"No catalogues (translations/*/LC_MESSAGES/*.po) under {path}.")
    count = compile_catalogues(catalogues, force=True)
    click.echo(f"Compiled {count} catalogue(s): {', '.join(str(p.with_suffix('.mo')) for p in catalogues)}")


@i18n_group.command("update")
@click.argument("path", type=_PATH)
def i18n_update(path: Path) -> None:
    """Extract the plugin's strings into its zh_Hans and en catalogues (English is filled in; translate Chinese)."""
    from core.i18n_tools import plugin_domain, untranslated, update

    domain = plugin_domain(_plugin_package(path))
    update(domain)
    todo = untranslated(domain)
    click.echo(f"Updated {domain.translations}; {len(todo)} Chinese entr{'y' if len(todo) == 1 else 'ies'} to "
               "translate, then run `netsales i18n compile`.")


@i18n_group.command("check")
@click.argument("path", type=_PATH)
def i18n_check(path: Path) -> None:
    """Fail if a catalogue is missing, stale, untranslated, fuzzy (an entry or the header) or not compiled."""
    from core.i18n_tools import plugin_domain, problems

    found = problems(plugin_domain(_plugin_package(path)))
    if found:
        raise click.ClickException("\n".join(found))
    click.echo("All catalogues complete and compiled.")


# ---------------------------------------------------------------------------------------------------- backup


@cli.command()
@click.option("--to", "target", type=click.Path(dir_okay=False, path_type=Path), help="Backup file to write.")
def backup(target: Path | None) -> None:
    """Back up the database: SQLite online backup to a file; for PostgreSQL, print the pg_dump command."""
    url = make_url(current_app.config["DATABASE_URL"])
    if url.get_backend_name() == "sqlite":
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = target or Path(current_app.instance_path) / "backups" / f"netsales-{stamp}.db"
        target.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(url.database)
        try:
            with sqlite3.connect(target) as destination:
                source.backup(destination)  # consistent even while the app is writing
        finally:
            source.close()
        click.echo(f"Backed up to {target}")
    else:
        dump_target = target or "netsales-$(date +%Y%m%d-%H%M%S).dump"
        click.echo("PostgreSQL is backed up with its own tool. Run:")
        click.echo(f"  pg_dump --format=custom --file={dump_target} "
                   f"'{url.set(drivername='postgresql').render_as_string(hide_password=False)}'")


def _build_app() -> Flask:
    from core import create_app

    return create_app()


def main() -> None:
    try:
        app = _build_app()
    except ConfigError as exc:
        click.echo(f"NetSales cannot start: {exc}", err=True)
        sys.exit(2)
    engine = app.extensions["netsales"]
    with app.app_context():
        engine.call("register_cli_commands", include_disabled=True, cli=cli)
    cli.create_app = lambda *args: app  # type: ignore[attr-defined]
    from core.audit import audit_actor

    with audit_actor("cli"):  # changes made from the command line are recorded as the CLI's
        cli.main(prog_name="netsales")


cli.add_command(__import__("core.identity.cli", fromlist=["users_group"]).users_group)
__import__("core.jobs.cli", fromlist=["attach"]).attach(cli)  # the `jobs` group
