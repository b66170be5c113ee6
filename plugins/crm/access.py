"""Record scopes for customers (R2, R11): a representative reaches their own customers, a supervisor their team's,
a manager all. The rule itself is the core's (``core.security.scope_condition``); this module adds the CRM's two
twists: merged-away files are hidden, and the unassigned lead pool is reachable by those who distribute it
(R2.2.3)."""

from __future__ import annotations

from typing import Any

from flask import abort, g
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload, lazyload, load_only
from sqlalchemy.sql.elements import ColumnElement

from core.extensions import db
from core.identity.models import User
from core.security import can, scope_for, scope_parameters, statement_scope, team_condition, within_scope
from plugins.crm.models import Customer

#: Load a customer's owner with its name only: a whole user would bring its roles and their grants (two more
#: statements); anything else about the owner still loads when asked for.
OWNER_NAME_ONLY = joinedload(Customer.owner).options(load_only(User.id, User.name), lazyload(User.roles))

VIEW = "crm.customer.view"
EDIT = "crm.customer.edit"
ASSIGN = "crm.customer.assign"
#: The positions customers are given to (owners, assignees).
SALES_POSITIONS = ("sales_rep", "sales_supervisor", "sales_manager")


def scope_of(user: Any, permission: str) -> str | None:
    return scope_for(user, permission)


def owner_condition(user: Any, permission: str, column: Any = None) -> ColumnElement[bool]:
    """A WHERE condition on an owner ``column`` (default Customer.owner_id) for ``user``'s scope."""
    column = Customer.owner_id if column is None else column
    scope = scope_for(user, permission)
    if scope == "all":
        return column.is_(None) | column.isnot(None)
    if scope == "team":
        return team_condition(column, user)
    if scope == "own":
        return column == user.id
    return column.is_(None) & column.isnot(None)


def in_scope(stmt: Select, scope: str | None, postgresql: bool, parameters: dict[str, Any] | None = None) -> Select:
    """``stmt`` limited to the live customers ``scope`` reaches: the core's record scope (R2.2, core.security
    scope_condition) and the CRM's twist, merged-away files hidden. The one place that states the rule: the
    customer list's statements built once per scope (its user's id or team left as parameters, given at each
    request) and ``scoped_customers`` (``parameters`` bound: core.security.scope_parameters) both come from it."""
    return within_scope(stmt, scope, Customer.owner_id, postgresql, parameters).where(Customer.merged_into_id.is_(None))


def scoped_customers(user: Any, permission: str = VIEW, stmt: Select | None = None) -> Select:
    """``stmt`` (default: every live customer) limited to ``user``'s scope on ``permission`` (``in_scope``, the
    user's id or team bound)."""
    scope, postgresql, parameters = statement_scope(user, permission)
    return in_scope(select(Customer) if stmt is None else stmt, scope, postgresql, parameters)


def pool_customers(user: Any, stmt: Select | None = None) -> Select:
    """The unassigned lead pool, for those who may assign customers (empty for everyone else)."""
    stmt = select(Customer) if stmt is None else stmt
    stmt = stmt.where(Customer.owner_id.is_(None), Customer.merged_into_id.is_(None))
    return stmt if scope_for(user, ASSIGN) else stmt.where(Customer.id.is_(None))


def may(user: Any, permission: str, customer: Customer) -> bool:
    """True if ``user`` holds ``permission`` on this customer (the core checks the owner against the scope)."""
    if customer.owner_id is None:
        return scope_for(user, permission) is not None and (
            scope_for(user, permission) == "all" or scope_for(user, ASSIGN) is not None)
    return can(user, permission, customer)


#: Built once (every customer page runs it): only the id changes per request.
_CUSTOMER_BY_ID = select(Customer).where(Customer.id == bindparam("customer_id")).options(OWNER_NAME_ONLY)


def get_customer_or_404(customer_id: int, user: Any, permission: str = VIEW) -> Customer:
    """The customer if ``user`` may reach it; 404 otherwise, so that ids of others' customers reveal nothing."""
    customer = db.session.execute(_CUSTOMER_BY_ID, {"customer_id": customer_id}).unique().scalar_one_or_none()
    if customer is None or customer.merged_into_id is not None or not may(user, permission, customer):
        abort(404)
    return customer


def _assignable(user: Any, stmt: Select) -> Select | None:
    scope = scope_for(user, ASSIGN)
    stmt = stmt.where(User.active.is_(True), User.position.in_(SALES_POSITIONS))
    if scope == "team":
        return stmt.where(team_condition(User.id, user))
    return stmt if scope == "all" else None


def assignable_users(user: Any) -> list[User]:
    """Active sales people ``user`` may give customers to: their team (supervisor) or everyone (manager)."""
    stmt = _assignable(user, select(User).order_by(User.name))
    return [] if stmt is None else list(db.session.scalars(stmt))


def _sales_people_statement(scope: str, postgresql: bool) -> Select:
    stmt = select(User.id, User.name, User.active).where(User.position.in_(SALES_POSITIONS))
    # The id after the name: the owner filter and the assignment form list the same people in the same order.
    return within_scope(stmt, scope, User.id, postgresql).order_by(User.name, User.id)


#: Built once per scope and database (PostgreSQL or not); a team is one array parameter on PostgreSQL.
_SALES_PEOPLE = {(scope, postgresql): _sales_people_statement(scope, postgresql)
                 for scope in ("team", "all") for postgresql in (True, False)}


def sales_people(user: Any, scope: str) -> list[Any]:
    """Sales people in ``user``'s ``scope`` ("team" or "all") as rows of (id, name, active), by name: read once a
    request, for the customer list's owner filter (all of them, in its view scope) and its assignment form (the
    active ones, in its assign scope), which for the built-in roles is the same scope: one statement, not two."""
    cache = g.setdefault("_crm_sales_people", {})
    key = (user.id, scope)
    if key not in cache:
        # On the session's connection: plain rows, for which the ORM's execution has nothing to do but costs time.
        connection = db.session.connection()
        cache[key] = list(connection.execute(_SALES_PEOPLE[scope, connection.dialect.name == "postgresql"],
                                             scope_parameters(user, scope)))
    return cache[key]


def assignable_people(user: Any) -> list[Any]:
    """The people of ``assignable_users`` as rows (id, name, active): for pages that just list them."""
    scope = scope_for(user, ASSIGN)
    if scope not in ("team", "all"):
        return []
    return [person for person in sales_people(user, scope) if person.active]
