"""The JSON API base (issue 4 item 5) and personal API tokens (issue 3).

For plugin authors:

    from core.api import api_endpoint, paginate, ApiError, ValidationError

    bp = Blueprint("crm_api", __name__, url_prefix="/api/v1/crm")

    @bp.get("/customers")
    @api_endpoint("crm.customer.view", summary=_l("List customers"), paginated=True, response=CUSTOMER)
    def customers():
        return paginate(scoped(select(Customer).order_by(Customer.id), Customer, "crm.customer.view"), to_json)

Register the blueprint from ``register_blueprints``; its endpoints then appear in /api/v1/openapi.json while the
plugin is enabled. Callers authenticate with ``Authorization: Bearer <token>`` (or a browser session, which must
send the CSRF token on writes); every error has the one format of core.api.errors.
"""

from __future__ import annotations

from flask import Flask

from core.api.endpoint import MAX_PER_PAGE, ApiOperation, api_endpoint, operation_of
from core.api.errors import ApiError, ValidationError, error_response
from core.api.pagination import page_schema, paginate

__all__ = [
    "MAX_PER_PAGE", "ApiError", "ApiOperation", "ValidationError", "api_endpoint", "error_response",
    "operation_of", "page_schema", "paginate", "register",
]


def register(app: Flask) -> None:
    """Install the API on ``app``: bearer authentication, the error format, the core endpoints, the token pages.

    Called once the core's HTML error handlers are registered (it wraps them for /api/ paths)."""
    from core.api import auth, errors, pages, views

    auth.install(app)
    errors.install(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(pages.bp)
