"""The core's pages: sign-in, dashboard, module administration, error pages."""

from flask import Flask


def register_core_blueprints(app: Flask) -> None:
    from core.web import admin_plugins, auth, dashboard, errors, health, navigation

    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(admin_plugins.bp)
    app.register_blueprint(health.bp)
    errors.register(app)
    navigation.register(app)
