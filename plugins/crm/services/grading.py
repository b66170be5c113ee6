"""A / B / C grading (R5.2.1) from purchase frequency, purchase amount and potential value.

The score (0-100) is the weighted share each factor reaches of its "full" value, weights and thresholds in the
settings. Regrading is a handful of set-based statements whatever the number of customers: purchase figures are
staged in crm_grade_input, then scores, history rows and grades are each one statement. Overridden grades stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import (
    Float,
    Numeric,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)

from core.contracts import PurchaseStats
from core.timeutil import local_today, utcnow
from plugins.crm import settings
from plugins.crm.models import GRADES, Customer, GradeChange, GradeInput, Purchase
from plugins.crm.services.errors import CRMError


@dataclass(frozen=True)
class RegradeResult:
    graded: int
    changed: int
    source: str  # "crm" (own purchase records) or the plugins that answered customer_purchase_stats


def _engine() -> Any:
    return current_app.extensions["netsales"]


def own_purchase_stats(session: Any, customer_ids: list[int] | None, since: Any) -> list[PurchaseStats]:
    """CRM's own purchase records (imported from shop exports), as the customer_purchase_stats hook answers."""
    stmt = (select(Purchase.customer_id, func.count(Purchase.id), func.coalesce(func.sum(Purchase.amount), 0),
                   func.max(Purchase.ordered_on))
            .where(Purchase.ordered_on >= since).group_by(Purchase.customer_id))
    if customer_ids is not None:
        stmt = stmt.where(Purchase.customer_id.in_(customer_ids))
    return [PurchaseStats(cid, int(n), Decimal(str(amount)), last) for cid, n, amount, last in session.execute(stmt)]


def _stage_from_plugins(session: Any, since: Any) -> list[str]:
    """Ask the other active plugins (pipeline) for purchase figures; stage them. Returns who answered."""
    engine = _engine()
    others = [name for name in engine.active_names() if name != "crm"]
    answered: list[str] = []
    rows: dict[int, dict[str, Any]] = {}
    customer_ids: list[int] | None = None
    for name in others:
        implementations = {impl.plugin_name for impl in engine.pm.hook.customer_purchase_stats.get_hookimpls()}
        if name not in implementations:
            continue
        if customer_ids is None:
            customer_ids = list(session.scalars(select(Customer.id).where(Customer.merged_into_id.is_(None))))
        for answer in engine.call("customer_purchase_stats", only=name, customer_ids=customer_ids, since=since):
            answered.append(name)
            for stat in answer:
                if not isinstance(stat, PurchaseStats):
                    continue
                row = rows.setdefault(stat.customer_id, {"customer_id": stat.customer_id, "orders": 0,
                                                         "amount": Decimal("0"), "last_purchase": None})
                row["orders"] += stat.orders
                row["amount"] += stat.amount
                if stat.last_purchase and (row["last_purchase"] is None or stat.last_purchase > row["last_purchase"]):
                    row["last_purchase"] = stat.last_purchase
    if rows:
        session.execute(insert(GradeInput), list(rows.values()))
    return answered


def _score_expression() -> Any:
    """The score as SQL over crm_customer's staged columns, from the settings."""
    weights = {k: int(settings.value(f"crm.grade_weight_{k}")) for k in ("frequency", "amount", "potential")}
    total = sum(weights.values()) or 1
    full_orders = max(int(settings.value("crm.grade_full_orders")), 1)
    full_amount = max(float(settings.value("crm.grade_full_amount")), 0.01)
    full_potential = max(float(settings.value("crm.grade_full_potential")), 0.01)

    def share(column: Any, full: float) -> Any:
        value = cast(column, Float)
        return case((value >= full, 1.0), else_=value / full)

    expr = (weights["frequency"] * share(Customer.orders_count, full_orders)
            + weights["amount"] * share(Customer.purchase_amount, full_amount)
            + weights["potential"] * share(Customer.potential_value, full_potential)) * 100.0 / total
    return func.round(cast(expr, Numeric(12, 4)), 2)


def grade_expression(score: Any = None) -> Any:
    score = Customer.grade_score if score is None else score
    a = int(settings.value("crm.grade_a_threshold"))
    b = int(settings.value("crm.grade_b_threshold"))
    return case((score >= a, "A"), (score >= b, "B"), else_="C")


def grade_for(score: Decimal) -> str:
    if score >= int(settings.value("crm.grade_a_threshold")):
        return "A"
    return "B" if score >= int(settings.value("crm.grade_b_threshold")) else "C"


def regrade(session: Any, ask_plugins: bool = True) -> RegradeResult:
    """Regrade every live customer; keeps overrides; records history and fires customer_grade_changed.

    ``ask_plugins=False`` grades from CRM's own purchase records even when the pipeline is enabled (the demo
    company's first grading, before the pipeline has orders)."""
    since = local_today() - timedelta(days=int(settings.value("crm.grade_window_days")))
    session.execute(delete(GradeInput))
    answered = _stage_from_plugins(session, since) if ask_plugins else []
    if not answered:
        session.execute(insert(GradeInput).from_select(
            ["customer_id", "orders", "amount", "last_purchase"],
            select(Purchase.customer_id, func.count(Purchase.id), func.coalesce(func.sum(Purchase.amount), 0),
                   func.max(Purchase.ordered_on))
            .where(Purchase.ordered_on >= since).group_by(Purchase.customer_id)))
    live = Customer.merged_into_id.is_(None)
    _copy_staged_figures(session, live)
    score = _score_expression()
    session.execute(update(Customer).where(live, or_(Customer.grade_score.is_(None), Customer.grade_score != score))
                    .values(grade_score=score).execution_options(synchronize_session=False))
    new_grade = grade_expression()
    changing = and_(live, Customer.grade_locked.is_(False),
                    or_(Customer.grade.is_(None), Customer.grade != new_grade))
    # The changes are read into Python only when a plugin listens to customer_grade_changed: the first grading of
    # 100,000 customers changes them all.
    if _listening():
        changes = session.execute(select(Customer.id, Customer.grade, new_grade).where(changing)).all()
        changed = len(changes)
    else:  # a count, not rowcount: drivers do not all report it for INSERT ... SELECT
        changes, changed = [], session.scalar(select(func.count(Customer.id)).where(changing)) or 0
    now = utcnow()
    session.execute(insert(GradeChange).from_select(
        ["customer_id", "old_grade", "new_grade", "score", "source", "changed_at"],
        select(Customer.id, Customer.grade, new_grade, Customer.grade_score, literal("auto"), literal(now))
        .where(changing)))
    session.execute(update(Customer).where(changing).values(grade=new_grade)
                    .execution_options(synchronize_session=False))
    session.execute(delete(GradeInput))
    _tighten_open_revisits(session)
    graded = session.scalar(select(func.count(Customer.id)).where(live)) or 0
    session.expire_all()
    _announce(session, changes)
    return RegradeResult(graded=graded, changed=changed, source=",".join(answered) or "crm")


def _update_from_supported(session: Any) -> bool:
    """UPDATE ... FROM: PostgreSQL, and SQLite from 3.33."""
    if session.get_bind().dialect.name != "sqlite":
        return True
    import sqlite3

    return sqlite3.sqlite_version_info >= (3, 33, 0)


def _copy_staged_figures(session: Any, live: Any) -> None:
    """Copy the staged purchase figures into the live customers, writing only the rows whose figures changed
    (a nightly regrade changes few); customers with no staged row go back to no orders.

    One UPDATE ... FROM the staging table (a join), not three correlated subqueries per customer: those took about
    2 s for 100,000 customers on PostgreSQL."""
    last = func.coalesce(GradeInput.last_purchase, Customer.last_purchase_on)
    differs = or_(Customer.orders_count != GradeInput.orders, Customer.purchase_amount != GradeInput.amount,
                  and_(last.isnot(None), Customer.last_purchase_on.is_(None)), Customer.last_purchase_on != last)
    staged = exists().where(GradeInput.customer_id == Customer.id)
    if _update_from_supported(session):
        session.execute(update(Customer).where(live, Customer.id == GradeInput.customer_id, differs)
                        .values(orders_count=GradeInput.orders, purchase_amount=GradeInput.amount,
                                last_purchase_on=last).execution_options(synchronize_session=False))
    else:  # older SQLite: the same values through correlated subqueries
        def value(column: Any) -> Any:
            return select(column).where(GradeInput.customer_id == Customer.id).scalar_subquery()

        session.execute(update(Customer).where(live, staged).values(
            orders_count=value(GradeInput.orders), purchase_amount=value(GradeInput.amount),
            last_purchase_on=func.coalesce(value(GradeInput.last_purchase), Customer.last_purchase_on),
        ).execution_options(synchronize_session=False))
    session.execute(update(Customer).where(live, ~staged, or_(Customer.orders_count != 0,
                                                               Customer.purchase_amount != 0))
                    .values(orders_count=0, purchase_amount=0).execution_options(synchronize_session=False))


def _tighten_open_revisits(session: Any) -> None:
    """Open revisits follow the customer's current grade: a customer who moved up to a plan with a shorter
    interval is not left waiting for the old, later date (R5.2.2). One statement per grade."""
    from plugins.crm.models import Revisit
    from plugins.crm.services.revisits import interval_for

    open_revisit = Revisit.done_at.is_(None)
    session.execute(update(Revisit).where(open_revisit).values(
        grade=select(Customer.grade).where(Customer.id == Revisit.customer_id).scalar_subquery())
        .execution_options(synchronize_session=False))
    today = local_today()
    for grade in GRADES:
        latest = today + timedelta(days=interval_for(session, grade))
        session.execute(update(Revisit).where(open_revisit, Revisit.grade == grade, Revisit.due_on > latest)
                        .values(due_on=latest).execution_options(synchronize_session=False))


def _listening() -> bool:
    """True if an active plugin implements customer_grade_changed."""
    engine = _engine()
    listeners = {impl.plugin_name for impl in engine.pm.hook.customer_grade_changed.get_hookimpls()}
    return any(engine.is_active(name) for name in listeners)


def _announce(session: Any, changes: list[Any]) -> None:
    """customer_grade_changed for each change, loading customers in chunks (changes is empty if nobody listens)."""
    engine = _engine()
    if not changes:
        return
    for start in range(0, len(changes), 500):
        chunk = changes[start:start + 500]
        customers = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_([r[0] for r in chunk])))}
        for customer_id, old, new in chunk:
            engine.call("customer_grade_changed", customer=customers[customer_id], old_grade=old, new_grade=new)


def override(session: Any, customer: Customer, grade: str, reason: str, by_user: Any) -> GradeChange:
    """A manager sets the grade by hand, with a reason; the nightly regrade keeps it until it is released."""
    if grade not in GRADES:
        raise CRMError(_("Choose grade A, B or C."), field="grade")
    reason = (reason or "").strip()
    if not reason:
        raise CRMError(_("Give the reason for the override."), field="reason")
    old = customer.grade
    change = GradeChange(customer_id=customer.id, old_grade=old, new_grade=grade, score=customer.grade_score,
                         source="override", reason=reason[:300], changed_by_id=getattr(by_user, "id", None))
    customer.grade = grade
    customer.grade_locked = True
    customer.updated_at = utcnow()
    session.add(change)
    session.flush()
    if old != grade:
        _engine().call("customer_grade_changed", customer=customer, old_grade=old, new_grade=grade)
    return change


def release_override(session: Any, customer: Customer, by_user: Any) -> None:
    """Lift an override: the grade goes back to what the score says."""
    if not customer.grade_locked:
        raise CRMError(_("This grade is not overridden."))
    old = customer.grade
    new = grade_for(customer.grade_score or Decimal("0"))
    customer.grade_locked = False
    customer.grade = new
    session.add(GradeChange(customer_id=customer.id, old_grade=old, new_grade=new, score=customer.grade_score,
                            source="release", changed_by_id=getattr(by_user, "id", None)))
    session.flush()
    if old != new:
        _engine().call("customer_grade_changed", customer=customer, old_grade=old, new_grade=new)
