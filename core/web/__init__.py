"""The core's pages: sign-in, dashboard, module administration, error pages."""

from flask import Flask


def register_core_blueprints(app: Flask) -> None:
    from core.web import admin_plugins, dashboard, errors, health, icons, list_cells, locale, navigation

    app.register_blueprint(__import__("core.auth.views", fromlist=["bp"]).bp)  # sign-in, password
    app.register_blueprint(__import__("core.audit.views", fromlist=["bp"]).bp)  # the audit trail
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(admin_plugins.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(__import__("core.identity.views", fromlist=["bp"]).bp)  # people and access
    for service in ("jobs", "notifications", "settings"): app.register_blueprint(__import__(f"core.{service}.views", fromlist=["bp"]).bp)  # noqa: E701
    for content in ("attachments", "timeline", "search", "regulation"): app.register_blueprint(__import__(f"core.{content}.views", fromlist=["bp"]).bp)  # noqa: E701
    errors.register(app)
    __import__("core.web.input_guard", fromlist=["install"]).install(app)  # NUL in a form or query: 400
    navigation.register(app)
    # Exported under their macro names by templates/macros/icons.html and lists.html.
    app.jinja_env.globals.update(netsales_icon=icons.icon, netsales_bulk_checkbox=list_cells.bulk_checkbox)
    locale.register(app)  # /locale, formatting filters
    __import__("core.web.smart_buttons", fromlist=["init_app"]).init_app(app)  # record hubs (issue 12)
    for ui in ("core.web.lookup", "core.listviews.views"): app.register_blueprint(__import__(ui, fromlist=["bp"]).bp)  # noqa: E701 searchable selects, saved list views (issue 12)
    __import__("core.api", fromlist=["register"]).register(app)  # JSON API, tokens (after the error pages)
