"""Pytest fixtures for NetSales and its plugins (registered through the pytest11 entry point).

The schema is migrated once per test session (core and every installed plugin); each test gets an app on it,
and every table is emptied after the test, so tests are isolated and cheap.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient

from core.testing import TEST_PASSWORD
from core.testing.browser import live_server, make_page, page  # noqa: F401  (browser-test fixtures)
from core.testing.database import TestDatabase


def app_config(database_url: str, instance: Path, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "netsales-tests",
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_FAST": True,
        "INSTANCE_PATH": str(instance),
        "SERVER_NAME": None,
        "MAIL_CATCHER": False,  # tests send through the outbox as production does (the embedded default catches)
    }
    config.update(overrides)
    return config


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in an app context of its own, as in production, even while the
    test holds one open: nothing cached on ``g`` (the signed-in user, grants) leaks from one request to the next."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


def build_app(database_url: str, instance: Path, enable: str = "builtin", **overrides: Any) -> Flask:
    """An app on ``database_url`` with its declarations synced; ``enable="builtin"`` enables built-in plugins."""
    from core import create_app
    from core.extensions import db
    app = create_app(app_config(database_url, instance, **overrides))
    app.test_client_class = IsolatedClient
    with app.app_context():
        engine = app.extensions["netsales"]
        engine.refresh(db.session)
        if not engine.database_ready:
            return app  # a database still to be migrated (migration tests); create_app synced otherwise
        if enable == "builtin":
            # The session's schema is already migrated (netsales_database): record the state and seed, as
            # enabling does, without asking Alembic about each lineage again.
            builtin = [n for n in engine.order if engine.plugins[n].source == "builtin" and not engine.is_enabled(n)]
            if builtin:
                engine.set_enabled(db.session, builtin, True)
                for name in builtin:
                    engine.call("seed_data", only=name, session=db.session)
                db.session.commit()
                engine.refresh(db.session)
        db.session.remove()
    return app


def migrate_everything(app: Flask) -> None:
    """Core and every loaded plugin's lineage, so that enabling a plugin in a test costs no DDL."""
    from core.db import migrations
    from core.extensions import db
    from core.setup import plugin_lineage

    with app.app_context():
        migrations.upgrade(db.engine, migrations.core_lineage())
        engine = app.extensions["netsales"]
        for name in engine.order:
            lineage = plugin_lineage(engine, name)
            if lineage:
                migrations.upgrade(db.engine, lineage)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile the translation catalogues, so that pages render in Chinese as they do for users."""
    from core.i18n_compile import compile_all

    compile_all()


@pytest.fixture(scope="session")
def netsales_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    """The session's test database, migrated to head for the core and every installed plugin."""
    from core import create_app

    database = TestDatabase(tmp_path_factory.mktemp("db"))
    instance = tmp_path_factory.mktemp("instance")
    migrate_everything(create_app(app_config(database.url, instance)))
    yield database
    database.drop()


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[TestDatabase]:
    """An empty, unmigrated database of the same kind as the session's, for migration tests."""
    database = TestDatabase(tmp_path / "fresh")
    yield database
    database.drop()


@pytest.fixture
def migrate_plugin(app: Flask, fresh_database: TestDatabase) -> Iterator[Callable[[str], Any]]:
    """``migrate_plugin(name)``: a core.testing.migrations.PluginMigrations for plugin ``name`` on an empty database
    of its own, with the core and the plugin's dependencies already at head (``.upgrade()``, ``.downgrade()``,
    ``.tables()``, ``.drift()``, ``.current()``)."""
    from core.testing.migrations import PluginMigrations

    opened: list[PluginMigrations] = []

    def factory(name: str) -> PluginMigrations:
        migrations = PluginMigrations(app, name, fresh_database.url).prepare()
        opened.append(migrations)
        return migrations

    yield factory
    for migrations in opened:
        migrations.close()


@pytest.fixture
def plugin_paths() -> list[str]:
    """Extra plugin folders for this test's apps; temp_plugin adds to it."""
    return []


@pytest.fixture(scope="session")
def shared_app(netsales_database: TestDatabase, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The session's app with the built-in plugins enabled, built once; the `app` fixture lends it to each test."""
    from core.extensions import db
    from core.testing.database import Baseline

    application = build_app(netsales_database.url, tmp_path_factory.mktemp("shared-instance"))
    with application.app_context():
        application.extensions["netsales_test_baseline"] = Baseline(db.engine)
        db.session.remove()
    application.extensions["netsales_test_config"] = dict(application.config)
    return application


@pytest.fixture
def _restore_database(shared_app: Flask) -> Iterator[None]:
    """After the test, put every table back to the session's baseline (the test's rows go, seed data stays)."""
    yield
    from core.extensions import db

    with shared_app.app_context():
        db.session.remove()
        shared_app.extensions["netsales_test_baseline"].restore(db.engine)


@pytest.fixture
def make_app(_restore_database: None, netsales_database: TestDatabase, tmp_path: Path,
             plugin_paths: list[str]) -> Iterator[Callable[..., Flask]]:
    """Build a new app on the test database (call it again for a second process on the same database)."""
    from core.extensions import db

    built: list[Flask] = []

    def factory(enable: str = "builtin", **overrides: Any) -> Flask:
        overrides.setdefault("PLUGIN_PATHS", list(plugin_paths))
        app = build_app(netsales_database.url, tmp_path / "instance", enable=enable, **overrides)
        built.append(app)
        return app

    yield factory
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(shared_app: Flask, _restore_database: None) -> Iterator[Flask]:
    """A NetSales app with the built-in plugins enabled, inside an app context. It is shared by the session's
    tests: its configuration and plugin state are reset for each; use `make_app` for an app of your own."""
    shared_app.config.clear()
    shared_app.config.update(shared_app.extensions["netsales_test_config"])
    shared_app.extensions["netsales"].forget_runtime_state()
    with shared_app.app_context():
        from core.extensions import db

        # Read the restored plugin state now, so that the test's first request makes the same queries as the next.
        shared_app.extensions["netsales"].refresh(db.session)
        yield shared_app


@pytest.fixture
def db(app: Flask) -> Any:
    """Flask-SQLAlchemy's ``db``, on the isolated test database (``db.session`` for queries)."""
    from core.extensions import db as database

    return database


@pytest.fixture
def count_queries(db: Any) -> Callable[[], Any]:
    """``with count_queries() as statements:`` lists the SQL statements run inside the block (DESIGN.md: pages make a
    fixed number of queries whatever the data size; assert it by comparing two sizes)."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def cli_runner(app: Flask) -> Callable[..., Result]:
    """Run a ``netsales`` command against the test app: ``cli_runner("plugins", "list")``."""
    from core.cli import cli

    def invoke(*args: str, input: str | None = None) -> Result:
        cli.create_app = lambda *a: app  # type: ignore[attr-defined]
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


def make_user_now(login: str, roles: list[str] | None = None, **fields: Any) -> Any:
    """Create and commit a user in the current app context; the password is core.testing.TEST_PASSWORD."""
    from core.extensions import db as database
    from core.identity.users import create_user

    fields.setdefault("name", login.title())
    user = create_user(database.session, login=login, password=TEST_PASSWORD,
                       roles=["sales_rep"] if roles is None else roles, **fields)
    database.session.commit()
    return user


def _current_or(fallback: Flask) -> Flask:
    """The app of the test's current app context (an app of its own from make_app, or the shared one)."""
    from flask import current_app, has_app_context

    return current_app._get_current_object() if has_app_context() else fallback


@pytest.fixture
def make_user(request: pytest.FixtureRequest, _restore_database: None) -> Callable[..., Any]:
    """Create a user (committed) in the current app context (the shared `app` when there is none); the password
    is core.testing.TEST_PASSWORD. Roles default to sales_rep."""
    from flask import has_app_context

    counter = {"n": 0}

    def factory(login: str | None = None, roles: list[str] | None = None, **fields: Any) -> Any:
        counter["n"] += 1
        if not has_app_context():
            request.getfixturevalue("app")  # pushes the shared app's context for the rest of the test
        return make_user_now(login or f"user{counter['n']}", roles, **fields)

    return factory


@pytest.fixture
def login_as(request: pytest.FixtureRequest) -> Callable[[Any], FlaskClient]:
    """Sign ``user`` in on the test client, or on the client ``on`` (a session cookie, as after a real sign-in)."""

    def sign_in(user: Any, on: FlaskClient | None = None) -> FlaskClient:
        from flask import has_app_context

        from core.auth.sessions import new_session_identity

        target = on or request.getfixturevalue("client")
        # A server-side session row, as a real sign-in opens; committed with whatever the test has pending (a write
        # from another connection would wait for the test's own lock on SQLite), which the request must see anyway.
        if has_app_context():
            identity = new_session_identity(user)
        else:
            with target.application.app_context():
                identity = new_session_identity(user)
        with target.session_transaction() as session:
            session["_user_id"] = identity
            session["_fresh"] = True
        return target

    return sign_in


@pytest.fixture
def enable_plugin(shared_app: Flask, _restore_database: None) -> Callable[[str], list[str]]:
    """Enable a plugin (and what it needs) through the current app."""
    from core.setup import enable_plugins

    return lambda name: enable_plugins(_current_or(shared_app), name)


@pytest.fixture
def disable_plugin(shared_app: Flask, _restore_database: None) -> Callable[[str], list[str]]:
    """Disable a plugin through the current app (refused while others need it)."""
    from core.setup import disable_plugins

    return lambda name: disable_plugins(_current_or(shared_app), name)


@pytest.fixture
def temp_plugin(tmp_path: Path, plugin_paths: list[str]) -> Iterator[Callable[..., Path]]:
    """Write a plugin package for this test: ``temp_plugin("demo1", hooks='...', depends=["x"])``.

    Call it before building the app (use ``make_app`` rather than ``app``). Its module is forgotten afterwards.
    """
    folder = tmp_path / "temp_plugins"
    folder.mkdir()
    plugin_paths.append(str(folder))
    written: list[str] = []

    def write(name: str, hooks: str = "", init: str = "", manifest: str | None = None, **fields: Any) -> Path:
        package = folder / name
        package.mkdir()
        (package / "__init__.py").write_text(textwrap.dedent(init))
        if hooks:
            header = "from core.hookspecs import hookimpl\n"
            (package / "hooks.py").write_text(header + textwrap.dedent(hooks))
        if manifest is None:
            values = {"name": name, "version": "0.1.0", "core_api": ">=1.0,<2", "title": name, **fields}
            manifest = "".join(f"{key} = {_toml_value(value)}\n" for key, value in values.items())
        (package / "plugin.toml").write_text(manifest)
        written.append(name)
        _forget(name)
        return package

    yield write
    for name in written:
        _forget(name)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def _forget(module_name: str) -> None:
    for loaded in [m for m in sys.modules if m == module_name or m.startswith(f"{module_name}.")]:
        del sys.modules[loaded]
