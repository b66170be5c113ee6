"""A small company for the expenses tests: a sales department with its head, the head's superior, finance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from core.timeutil import local_today
from plugins.expenses.demo import receipt_png
from plugins.expenses.services.budgets import approve_budget, save_budget
from plugins.expenses.services.categories import ensure_default_categories
from plugins.expenses.services.claims import LineInput, create_claim
from plugins.expenses.services.payments import PaymentInput
from plugins.expenses.services.receipts import Upload
from plugins.expenses.services.workflow import transition

PNG = receipt_png("test", Decimal("1"))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Company:
    department: Any
    boss: Any  # the head's superior
    head: Any
    rep: Any
    rep2: Any
    finance: Any
    finance2: Any
    travel: Any
    office: Any


@pytest.fixture
def company(app: Any, db: Any, make_user: Any) -> Company:
    from sqlalchemy import select

    from core.identity.models import Department
    from plugins.expenses.models import Category

    boss = make_user("boss", roles=["sales_manager"], name="Boss")
    sales = Department(name="Sales")
    db.session.add(sales)
    db.session.flush()
    head = make_user("head", roles=["department_head"], department_id=sales.id, superior_id=boss.id, name="Head")
    sales.head_id = head.id
    db.session.commit()
    rep = make_user("rep", roles=["sales_rep"], department_id=sales.id, superior_id=head.id, name="Rep")
    rep2 = make_user("rep2", roles=["sales_rep"], department_id=sales.id, superior_id=head.id, name="Rep Two")
    finance = make_user("fin", roles=["finance"], name="Finance")
    finance2 = make_user("fin2", roles=["finance"], name="Finance Two")
    ensure_default_categories(db.session)
    db.session.commit()
    categories = {c.code: c for c in db.session.scalars(select(Category))}
    return Company(sales, boss, head, rep, rep2, finance, finance2, categories["travel"], categories["office"])


def line(category: Any, amount: str = "100.00", invoice: str = "INV-1", days_ago: int = 3,
         description: str = "Taxi to the customer", line_id: int | None = None) -> LineInput:
    return LineInput(local_today() - timedelta(days=days_ago), category.id, amount, description, invoice,
                              line_id=line_id)


def draft(db: Any, user: Any, *lines: LineInput, receipts: bool = True, title: str = "Trip") -> Any:
    uploads = {i: [Upload(f"r{i}.png", PNG)] for i in range(len(lines))} if receipts else {}
    claim = create_claim(db.session, user, title, list(lines), uploads)
    db.session.commit()
    return claim


def budget(db: Any, company: Company, category: Any, amount: str, approve: bool = True) -> Any:
    saved = save_budget(db.session, company.finance, department_id=company.department.id,
                                 category_id=category.id, year=local_today().year, amount=amount)
    if approve:
        approve_budget(db.session, saved, company.boss)
    db.session.commit()
    return saved


def pay_input() -> PaymentInput:
    return PaymentInput(local_today(), "bank_transfer", "YH-001")


def to_paid(db: Any, company: Company, claim: Any) -> Any:
    for user, action in ((company.rep, "submit"), (company.head, "approve"), (company.finance, "finance_approve")):
        transition(db.session, claim, user, action)
    transition(db.session, claim, company.finance, "pay", payment=pay_input())
    db.session.commit()
    return claim
