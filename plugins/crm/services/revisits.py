"""Service plans per grade and the revisits they schedule (R5.2.2, R5.3.1, R6.6.3)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from core.timeutil import local_date, local_today
from plugins.crm.models import GRADES, Customer, Interaction, Revisit, ServicePlan
from plugins.crm.services.errors import FieldErrors

#: States whose customers are revisited; leads are prospected, not revisited; lost ones are left alone.
REVISITED_STATES = ("prospect", "customer")
#: grade: (revisit interval in days, service level, marketing strategy), R5.2.2.
DEFAULT_PLANS = {
    "A": (30, _l("Dedicated representative; answer within 4 working hours; quarterly business review"),
          _l("Early access to new products, tailored offers, invitations to every customer event")),
    "B": (60, _l("Answer within one working day; half-yearly review"),
          _l("Monthly product news, seasonal promotions, invitations to product experience sessions")),
    "C": (90, _l("Answer within two working days"),
          _l("Quarterly newsletter and general promotions; look for growth potential")),
}


def seed_plans(session: Any) -> None:
    """Insert the default plans that do not exist yet (idempotent). Their texts are company data from then on
    (a manager edits them), so they are written in the company's language (DEFAULT_LOCALE), not the installer's."""
    have = set(session.scalars(select(ServicePlan.grade)))
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        for grade, (days, level, strategy) in DEFAULT_PLANS.items():
            if grade not in have:
                session.add(ServicePlan(grade=grade, revisit_interval_days=days, service_level=str(level),
                                        strategy=str(strategy)))


def plans(session: Any) -> dict[str, ServicePlan]:
    return {p.grade: p for p in session.scalars(select(ServicePlan))}


def interval_for(session: Any, grade: str | None) -> int:
    plan = session.get(ServicePlan, grade or "C") or session.get(ServicePlan, "C")
    return plan.revisit_interval_days if plan else DEFAULT_PLANS[grade or "C"][0]


def update_plan(session: Any, grade: str, interval_days: Any, service_level: str, strategy: str) -> ServicePlan:
    errors = {}
    if grade not in GRADES:
        errors["grade"] = _("Unknown grade.")
    try:
        days = int(interval_days)
        if not 1 <= days <= 3650:
            raise ValueError
    except (TypeError, ValueError):
        errors["revisit_interval_days"] = _("Enter a number of days between 1 and 3650.")
    if not (service_level or "").strip():
        errors["service_level"] = _("Describe the service level.")
    if not (strategy or "").strip():
        errors["strategy"] = _("Describe the marketing strategy.")
    if errors:
        raise FieldErrors(errors)
    plan = session.get(ServicePlan, grade) or ServicePlan(grade=grade)
    plan.revisit_interval_days = days
    plan.service_level = service_level.strip()[:200]
    plan.strategy = strategy.strip()
    session.add(plan)
    session.flush()
    return plan


def open_revisit(session: Any, customer_id: int) -> Revisit | None:
    return session.scalar(select(Revisit).where(Revisit.customer_id == customer_id, Revisit.done_at.is_(None))
                          .order_by(Revisit.due_on).limit(1))


def ensure_scheduled(session: Any, customer: Customer, start: date | None = None) -> Revisit | None:
    """Give a customer who should be revisited one open revisit; drop open ones of customers who should not."""
    if customer.state not in REVISITED_STATES or customer.merged_into_id is not None:
        session.execute(delete(Revisit).where(Revisit.customer_id == customer.id, Revisit.done_at.is_(None)))
        return None
    existing = open_revisit(session, customer.id)
    if existing is not None:
        existing.owner_id = customer.owner_id
        return existing
    due = (start or local_today()) + timedelta(days=interval_for(session, customer.grade))
    revisit = Revisit(customer_id=customer.id, owner_id=customer.owner_id, grade=customer.grade, due_on=due)
    session.add(revisit)
    session.flush()
    return revisit


def complete_open_revisit(session: Any, customer: Customer, interaction: Interaction) -> Revisit | None:
    """A revisit interaction completes the open planned revisit (on time if by its due date), then plans the next."""
    revisit = open_revisit(session, customer.id)
    done_on = local_date(interaction.occurred_at)
    if revisit is not None:
        revisit.done_at = interaction.occurred_at
        revisit.done_on_time = done_on <= revisit.due_on
        revisit.interaction_id = interaction.id
        session.flush()
    ensure_scheduled(session, customer, start=done_on)
    return revisit


def overdue_stmt(owner_condition: Any) -> Any:
    """Open revisits past their due date, for the owners ``owner_condition`` (on Revisit.owner_id) allows."""
    return (select(Revisit, Customer).join(Customer, Customer.id == Revisit.customer_id)
            .where(Revisit.done_at.is_(None), Revisit.due_on < local_today(), owner_condition)
            .order_by(Revisit.due_on))
