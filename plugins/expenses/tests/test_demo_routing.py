"""The demo company's claims go where R9.2.2 sends them (issue 12: the department head had an empty queue while
sales claims went to the sales manager): the department head, over the online-sales department in the org chart,
reviews the representatives', the supervisor's and the manager's claims; the manager files claims and reviews none."""

from __future__ import annotations

import random

from sqlalchemy import func, select

from core.identity.models import Department, User
from plugins.expenses.models import Claim
from plugins.expenses.services.approvers import find_approver
from plugins.expenses.services.queries import department_queue


def _demo(db) -> dict[str, User]:
    from core.identity.demo import create_demo_people
    from plugins.expenses.demo import load_demo

    create_demo_people(db.session, random.Random(7))
    load_demo(db.session, random.Random(7))
    db.session.commit()
    return {u.login: u for u in db.session.scalars(select(User))}


def test_the_department_head_reviews_the_sales_claims_and_the_manager_none(app, db, client, login_as):
    people = _demo(db)
    head, manager = people["head"], people["manager"]
    sales = db.session.scalar(select(Department).where(Department.name == "网络销售部"))
    assert sales.head_id == manager.id  # the org chart: the manager runs sales, the head is above the department

    reviewers = set(db.session.scalars(select(Claim.approver_id).where(Claim.approver_id.is_not(None))))
    assert reviewers == {head.id}
    reviewed = set(db.session.scalars(select(Claim.claimant_id).where(Claim.approver_id == head.id)))
    assert {people["rep2"].id, people["supervisor1"].id, manager.id} <= reviewed

    waiting = db.session.scalar(select(func.count()).select_from(department_queue(head).subquery()))
    assert waiting >= 3
    assert db.session.scalar(select(func.count()).select_from(department_queue(manager).subquery())) == 0

    login_as(head)
    queue = client.get("/expenses/review").get_data(as_text=True)
    numbers = db.session.scalars(department_queue(head)).all()
    assert all(claim.number in queue for claim in numbers)


def test_the_reviewer_is_the_nearest_head_with_the_department_head_role(app, db, make_user):
    """R9.2.2 along the tree: the role decides, not only who runs the claimant's own department."""
    company = Department(name="Company")
    db.session.add(company)
    db.session.flush()
    sales = Department(name="Sales", parent_id=company.id)
    db.session.add(sales)
    db.session.flush()
    head = make_user("boss", roles=["department_head"], department_id=company.id)
    manager = make_user("mgr", roles=["sales_manager"], department_id=sales.id, superior_id=head.id)
    rep = make_user("rep", roles=["sales_rep"], department_id=sales.id, superior_id=manager.id)
    company.head_id, sales.head_id = head.id, manager.id
    db.session.commit()

    assert find_approver(db.session, rep) == head
    assert find_approver(db.session, manager) == head  # their own department is theirs: the head above reviews
    assert find_approver(db.session, head) is None  # nobody above, no superior: submission says so

    # A company that does not use the role: the head of the claimant's own department, then the superior.
    head.roles = []
    db.session.commit()
    assert find_approver(db.session, rep) == manager
    assert find_approver(db.session, manager) == head  # the head of their department is themselves: the superior
