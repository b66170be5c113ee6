"""Who gives a claim its department-level review (R9.2.2: 部門負責人對員工的費用報銷進行審核).

The regulation's department head is the person who holds the department-head role over the claimant: from the
claimant's department up through its parents, the first head with that role. A department run by someone else
(the online-sales department, run by the sales manager in the demo company) sends its claims up to the department
head above it, as the org chart says; the sales manager's part in R9 is their own claims and the budgets. Where no
head up the tree holds the role, the head of the claimant's own department reviews (a company that does not use
the role); for a head's own claim, or a department without a head, the claimant's superior. Never the claimant,
never an inactive user."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.identity.models import Department, Role, User, user_roles

#: The role of R9.2.2's 部門負責人.
REVIEWER_ROLE = "department_head"


def department_chain(session: Any, department_id: int | None) -> list[Department]:
    """The department and its parents, nearest first (a loop in the tree stops at the first repeat)."""
    chain: list[Department] = []
    department = session.get(Department, department_id) if department_id else None
    while department is not None and department not in chain:
        chain.append(department)
        department = session.get(Department, department.parent_id) if department.parent_id else None
    return chain


def find_approver(session: Any, claimant: User) -> User | None:
    """The claim's department-level reviewer (see the module's doc), or None when nobody qualifies."""
    chain = department_chain(session, claimant.department_id)
    heads = [d.head_id for d in chain if d.head_id and d.head_id != claimant.id]
    with_role = set(session.scalars(
        select(user_roles.c.user_id).join(Role, Role.id == user_roles.c.role_id)
        .where(Role.code == REVIEWER_ROLE, user_roles.c.user_id.in_(heads)))) if heads else set()
    candidates = [h for h in heads if h in with_role]
    own_head = chain[0].head_id if chain else None
    if own_head and own_head != claimant.id:
        candidates.append(own_head)
    if claimant.superior_id and claimant.superior_id != claimant.id:
        candidates.append(claimant.superior_id)
    for user_id in candidates:
        user = session.get(User, user_id)
        if user is not None and user.active:
            return user
    return None
