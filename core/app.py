"""The application factory."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

from flask import Flask, abort, g, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

import core.reference_data  # noqa: F401  (registers its flush listener)
from core.cache import PLUGINS_COUNTER, REFERENCE_COUNTER, ROLES_COUNTER, SETTINGS_COUNTER
from core.config import load_config
from core.extensions import babel, csrf, db, login_manager
from core.paths import CORE_STATIC_DIR, TEMPLATES_DIR
from core.web.params import MAX_DB_INTEGER

log = logging.getLogger(__name__)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build a NetSales application: configuration, extensions, plugins, routes."""
    from core import CORE_API, hooks, models  # noqa: F401  (models: complete metadata)
    from core.plugins import PluginEngine

    config = load_config(overrides)
    app = Flask(
        "netsales",
        template_folder=str(TEMPLATES_DIR),
        static_folder=str(CORE_STATIC_DIR),
        instance_path=config["INSTANCE_PATH"],
    )
    app.config.update(config)
    # Record ids in URLs fit the databases' 64-bit integers; a larger one is simply not a page (404), never a 500.
    app.url_map.converters["int"] = BoundedInt
    app.config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", _engine_options(config["DATABASE_URL"]))

    engine = PluginEngine(app.config["PLUGIN_PATHS"], core_api=CORE_API,
                          refresh_seconds=float(app.config["PLUGIN_REFRESH_SECONDS"]))
    engine.load([hooks, *(importlib.import_module(name) for name in hooks.CORE_HOOK_MODULES)])
    app.extensions["netsales"] = engine

    _init_extensions(app, engine)
    _register_core_blueprints(app)
    _register_plugins(app, engine)
    _install_request_hooks(app, engine)

    with app.app_context():
        engine.refresh(db.session)
        if engine.database_ready:
            from core.db import migrations
            from core.setup import sync_declarations

            if migrations.pending(db.engine, migrations.core_lineage()):
                # New code on an old database: `netsales db upgrade` must run first, and must be able to start.
                log.warning("the database schema is behind this version: run `netsales db upgrade`")
            else:
                sync_declarations(app)
        db.session.remove()
    return app


class BoundedInt(IntegerConverter):
    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_DB_INTEGER)
        super().__init__(map, *args, **kwargs)


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    # No pool_pre_ping: its SELECT 1 is a round trip per request; core/db/liveness.py asks the socket instead.
    return {}


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite: enforce foreign keys, and let readers work while one process writes."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def _module_catalogues(engine: Any) -> dict[str, Path]:
    """Each loaded plugin's translations folder, by plugin name."""
    found = {}
    for name in engine.loaded_names():
        plugin_dir = engine.plugins[name].package_dir
        if plugin_dir and (plugin_dir / "translations").is_dir():
            found[name] = plugin_dir / "translations"
    return found


def _translation_dirs(engine: Any) -> str:
    dirs = [str(Path(__file__).resolve().parent / "translations")]
    dirs += [str(path) for path in _module_catalogues(engine).values()]
    return ";".join(dirs)


def _init_extensions(app: Flask, engine: Any) -> None:
    from core.auth.cookie_session import install_verified_cookie_sessions
    from core.i18n import install_module_catalogues, install_template_gettext, select_locale, select_timezone
    from core.web.form_messages import install_form_messages

    db.init_app(app)
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        from core.db.liveness import install_socket_ping

        with app.app_context():
            install_socket_ping(db.engine)
    install_verified_cookie_sessions(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "core_auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = _translation_dirs(engine)
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    install_module_catalogues(app, _module_catalogues(engine))  # each module's strings in its own words first
    install_template_gettext(app)
    install_form_messages(app)
    # `can` in every template, plugins' included, with no context processor (docs/ui.md).
    app.jinja_env.globals["can"] = template_can

    from core.auth.sessions import load_user  # the user and their server-side session, in one statement

    login_manager.user_loader(load_user)


def template_can(*args: Any, **kwargs: Any) -> bool:
    """The template global ``can(permission, obj=None)``: may the signed-in user do this (to ``obj``)?

    ``can(user, permission, obj=None)`` (core.security.can's own order) is accepted too, so that a template written
    against a plugin's older context processor keeps working."""
    from flask_login import current_user

    from core.security import can

    if args and not isinstance(args[0], str):
        return can(*args, **kwargs)
    return can(current_user, *args, **kwargs)


def _register_core_blueprints(app: Flask) -> None:
    from core.web import register_core_blueprints

    register_core_blueprints(app)


def _register_plugins(app: Flask, engine: Any) -> None:
    """Every loaded plugin's blueprints are registered at start; the guard below hides disabled ones."""
    for name in engine.loaded_names():
        before = set(app.blueprints)
        engine.call("register_blueprints", only=name, app=app)
        for blueprint_name in set(app.blueprints) - before:
            engine.blueprint_owner[blueprint_name] = name
        engine.call("plugin_init", only=name, app=app, plugin=engine.plugins[name])


#: The change counters read with the signed-in user (issue 18); a counter not listed here is read by
#: PluginEngine.refresh only, so a signed-in page's caches keyed on it are rebuilt each time (never stale).
USER_STATEMENT_COUNTERS = (PLUGINS_COUNTER, SETTINGS_COUNTER, ROLES_COUNTER, REFERENCE_COUNTER)
_COUNTER_FIGURE = "counter."


def _read_counters_with_the_user() -> None:
    """Each counter a scalar subquery of the statement that loads the signed-in user (core/auth/sessions.py)."""
    from core.auth.sessions import add_signed_in_figure
    from core.plugins.models import ChangeCounter

    for name in USER_STATEMENT_COUNTERS:
        add_signed_in_figure(_COUNTER_FIGURE + name, lambda _user_id, name=name: select(ChangeCounter.value).where(
            ChangeCounter.name == name).scalar_subquery())


def _counters_with_user(engine: Any) -> bool:
    """For a request of a signed-in browser session: load the user now, with the counters in the same statement,
    and take them as this request's reading (one statement for the whole shell). False if there is no such session
    (anonymous, API token, remember-me cookie alone, an ended session) or the database was not ready: the caller
    then reads the counters on their own, as before."""
    from flask import session
    from flask_login import current_user

    from core.auth.sessions import signed_in_figure

    if not engine.database_ready or not session.get("_user_id"):
        return False
    user = current_user._get_current_object()
    if not getattr(user, "is_authenticated", False):
        return False
    values = [signed_in_figure(_COUNTER_FIGURE + name, user.id) for name in USER_STATEMENT_COUNTERS]
    if not g.get("netsales_signed_in"):
        return False  # loaded some other way than core.auth.sessions.load_user
    engine.apply_counters(db.session, {name: value for name, value in zip(USER_STATEMENT_COUNTERS, values,
                                                                            strict=True) if value is not None})
    return True


def _install_request_hooks(app: Flask, engine: Any) -> None:
    from core.web.headers import add_security_headers

    _read_counters_with_the_user()

    @app.before_request
    def refresh_plugins_and_guard() -> None:
        if request.endpoint == "static":
            return
        if _counters_with_user(engine) or engine.refresh_if_due(db.session):
            g.netsales_counters = engine.counters  # read in this request: caches keyed on them are current
        g.netsales = engine
        if request.blueprints:
            owner = engine.blueprint_owner.get(request.blueprints[-1])
            if owner is not None and not engine.is_active(owner):
                abort(404)

    app.after_request(add_security_headers)
