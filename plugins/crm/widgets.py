"""Dashboard widgets, chosen by what the user does with customers (issue 12).

A representative (scope "own" on working customer files) sees their overdue revisits, next steps and the grades of
their customers. A supervisor or manager (scope "team" or "all") sees their team's customers by grade with the
revisits overdue in each grade, as a chart with its table (R5.2.1, R5.3.1). Whoever may only read customer files
(a department head) sees none of these: nothing there is theirs to do. A few aggregate statements each."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.contracts import DashboardWidget
from core.extensions import db
from core.security import scope_for, scoped
from core.timeutil import local_today
from plugins.crm.models import Customer, Interaction, Revisit

LIMIT = 8
VIEW, EDIT = "crm.customer.view", "crm.customer.edit"
GRADES = ("A", "B", "C")


def dashboard_widgets(user: Any) -> list[DashboardWidget]:
    scope = scope_for(user, EDIT)
    if scope in ("team", "all"):
        return [DashboardWidget("crm.team_grades", _l("Team customers by grade"), "crm/widgets/team_grades.html",
                                permission=VIEW, order=5, context=team_grades)]
    if scope == "own":
        return [
            DashboardWidget("crm.overdue", _l("My overdue revisits"), "crm/widgets/overdue.html",
                            permission=VIEW, order=20, context=overdue),
            DashboardWidget("crm.next_steps", _l("My next steps"), "crm/widgets/next_steps.html",
                            permission=VIEW, order=21, context=next_steps),
            DashboardWidget("crm.grades", _l("Grades of my customers"), "crm/widgets/grades.html",
                            permission=VIEW, order=22, context=grades),
        ]
    return []


def team_grades(user: Any) -> dict[str, Any]:
    """Customers in the user's scope by grade, and their open revisits past due by grade: two statements."""
    live = Customer.merged_into_id.is_(None)
    customers = dict(db.session.execute(scoped(
        select(Customer.grade, func.count(Customer.id)).where(live).group_by(Customer.grade),
        Customer, VIEW, user)).all())
    late = dict(db.session.execute(scoped(
        select(Customer.grade, func.count(Revisit.id)).join(Customer, Customer.id == Revisit.customer_id)
        .where(live, Revisit.done_at.is_(None), Revisit.due_on < local_today()).group_by(Customer.grade),
        Customer, VIEW, user)).all())
    keys = [*GRADES, None]
    return {"labels": [*GRADES, _("not graded")], "customers": [customers.get(k, 0) for k in keys],
            "overdue": [late.get(k, 0) for k in keys],
            "links": [*(url_for("crm.customers", grade=g) for g in GRADES), None],
            "total": sum(customers.values()),
            "whose": _("All customers") if scope_for(user, VIEW) == "all" else _("Customers of your team")}


def overdue(user: Any) -> dict[str, Any]:
    rows = db.session.execute(
        select(Revisit.due_on, Customer.id, Customer.name, Customer.grade)
        .join(Customer, Customer.id == Revisit.customer_id)
        .where(Revisit.owner_id == user.id, Revisit.done_at.is_(None), Revisit.due_on < local_today())
        .order_by(Revisit.due_on).limit(LIMIT)).all()
    return {"rows": rows, "today": local_today()}


def next_steps(user: Any) -> dict[str, Any]:
    rows = db.session.execute(
        select(Interaction.id, Interaction.next_step, Interaction.next_step_on, Customer.id.label("customer_id"),
               Customer.name)
        .join(Customer, Customer.id == Interaction.customer_id)
        .where(Interaction.user_id == user.id, Interaction.next_step_done.is_(False),
               Interaction.next_step_on.isnot(None), Customer.merged_into_id.is_(None))
        .order_by(Interaction.next_step_on).limit(LIMIT)).all()
    return {"rows": rows, "today": local_today()}


def grades(user: Any) -> dict[str, Any]:
    # Grouped by the plain column: PostgreSQL refuses GROUP BY coalesce(grade, $1) against SELECT coalesce(grade, $2).
    counts = {grade or "-": n for grade, n in db.session.execute(
        select(Customer.grade, func.count(Customer.id))
        .where(Customer.owner_id == user.id, Customer.merged_into_id.is_(None))
        .group_by(Customer.grade)).all()}
    total = sum(counts.values())
    return {"counts": [(g, counts.get(g, 0)) for g in ("A", "B", "C", "-")], "total": total}
