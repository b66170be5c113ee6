"""The org tree: reporting lines (superior → subordinates) and the department tree, each walked by one
recursive query so that a team of any depth costs the same (DESIGN.md "People")."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, bindparam, select

from core.identity.models import Department, User


def _team_statement() -> Select:
    """``:user_id`` and every subordinate, recursively. UNION (not UNION ALL) stops even on a bad cycle."""
    tree = select(User.id).where(User.id == bindparam("user_id")).cte("team_tree", recursive=True)
    tree = tree.union(select(User.id).where(User.superior_id == tree.c.id))
    return select(tree.c.id)


#: Built once: every team-scoped page of every plugin asks for the signed-in supervisor's team (issue 18).
_TEAM = _team_statement()


def team_member_ids(session: Any, user_id: int) -> set[int]:
    """``user_id`` and every subordinate, recursively: plain ids on the session's connection (nothing for the ORM
    to do, and its execution costs more than this statement on a small team). Pending changes are flushed first,
    as the ORM's autoflush did: a superior just set in this transaction counts."""
    session.flush()  # returns at once when nothing is pending
    return set(session.connection().execute(_TEAM, {"user_id": user_id}).scalars())


def department_subtree_ids(session: Any, department_id: int) -> set[int]:
    """``department_id`` and every department below it."""
    tree = select(Department.id).where(Department.id == department_id).cte("department_tree", recursive=True)
    tree = tree.union(select(Department.id).where(Department.parent_id == tree.c.id))
    return set(session.scalars(select(tree.c.id)))


def superior_creates_cycle(session: Any, user_id: int | None, superior_id: int | None) -> bool:
    """True if making ``superior_id`` the superior of ``user_id`` would make someone their own superior."""
    if superior_id is None or user_id is None:
        return False
    return superior_id in team_member_ids(session, user_id)


def parent_creates_cycle(session: Any, department_id: int | None, parent_id: int | None) -> bool:
    if parent_id is None or department_id is None:
        return False
    return parent_id in department_subtree_ids(session, department_id)


def forest(items: list[Any], parent_of: Any) -> tuple[list[Any], dict[Any, list[Any]]]:
    """(roots, {id: children}) of a forest given as a flat list; ``parent_of(item)`` is the parent's id.

    Items whose parent is not in the list are roots. Works in memory, after one query."""
    ids = {item.id for item in items}
    roots: list[Any] = []
    children: dict[Any, list[Any]] = {}
    for item in items:
        parent = parent_of(item)
        if parent in ids and parent != item.id:
            children.setdefault(parent, []).append(item)
        else:
            roots.append(item)
    return roots, children


def ordered_tree(items: list[Any], parent_of: Any) -> list[tuple[Any, int]]:
    """Depth-first (item, depth) pairs of a forest given as a flat list (see ``forest``)."""
    roots, children = forest(items, parent_of)
    result: list[tuple[Any, int]] = []
    seen: set[Any] = set()

    def walk(item: Any, depth: int) -> None:
        if item.id in seen:
            return
        seen.add(item.id)
        result.append((item, depth))
        for child in children.get(item.id, []):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return result
