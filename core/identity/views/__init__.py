"""Pages of people and access: administration of users, departments and roles, and the org chart, profile and
team pages everyone signed in sees. One blueprint; each module holds one job's routes."""

from flask import Blueprint

bp = Blueprint("core_identity", __name__)

from core.identity.api import bp as api_bp  # noqa: E402  (/api/v1/users and /api/v1/roles, issue 11 F1)
from core.identity.views import departments, people, roles, user_import, users  # noqa: E402, F401  (routes)

bp.register_blueprint(api_bp)
