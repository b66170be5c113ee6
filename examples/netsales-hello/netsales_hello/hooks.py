"""The hook implementations NetSales calls; the only module registered with pluggy."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from core.contracts import MenuItem, PermissionDef, SearchResult
from core.hookspecs import hookimpl


@hookimpl
def register_blueprints(app: Any) -> None:
    from netsales_hello.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(__import__("netsales_hello.api", fromlist=["bp"]).bp)  # /api/v1/hello


@hookimpl
def register_permissions() -> list[PermissionDef]:
    everyone = tuple((role, "all") for role in ("sales_rep", "sales_supervisor", "sales_manager", "hr", "finance",
                                                "department_head"))
    # Record-level: a representative reads their own greetings, a supervisor their team's, the others all (R2).
    scoped = (("sales_rep", "own"), ("sales_supervisor", "team"), *everyone[2:])
    return [
        PermissionDef("hello.greeting.view", _l("Read greetings"), record_level=True, default_grants=scoped),
        PermissionDef("hello.greeting.create", _l("Post greetings"), default_grants=everyone),
    ]


@hookimpl
def menu_items(user: Any) -> list[MenuItem]:
    return [MenuItem("hello", _l("Greetings"), "hello.index", permission="hello.greeting.view", order=500)]


@hookimpl
def global_search(query: str, user: Any, limit: int) -> list[SearchResult]:
    from core.extensions import db
    from core.security import can
    from netsales_hello.services import search_greetings

    if not can(user, "hello.greeting.view"):
        return []
    return [
        SearchResult(title=g.text[:60], url=url_for("hello.detail", greeting_id=g.id), kind="greeting")
        for g in search_greetings(db.session, query, limit, user=user)
    ]


@hookimpl
def demo_data(session: Any, rng: Any) -> None:
    from sqlalchemy import select

    from core.identity.models import User
    from netsales_hello.services import post_greeting

    users = list(session.scalars(select(User).order_by(User.id)))
    for text in ("欢迎新同事加入网络销售部！", "本月业绩冲刺，大家加油！", "Thanks for the help with the JD shop import."):
        post_greeting(session, rng.choice(users).id, text)
