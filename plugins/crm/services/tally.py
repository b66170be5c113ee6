"""The customer list's count from the customers-per-owner-and-grade tally (models.CustomerTally, kept by
triggers): for the list as it opens, or filtered by grade or owner only, the count adds up a few tally rows
instead of reading every customer in the user's scope (issue 18 rule 1: a manager's list counted 100,000
customers and grew with them). Any other narrowing (search, state, tag, source) is counted from the customers."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select

from core.security import scope_condition, scope_parameters
from plugins.crm.models import CustomerTally

#: The list's filters the tally can answer, and the tally's column each one narrows.
TALLIED_FILTERS = {"grade": CustomerTally.grade_key, "owner": CustomerTally.owner_key}


def answers(active_filters: Mapping[str, str], searching: bool) -> bool:
    """Whether the tally can count a list narrowed by these accepted filters (and a search or not)."""
    return not searching and all(key in TALLIED_FILTERS for key in active_filters)


@cache
def _count_statement(scope: str | None, postgresql: bool, filters: tuple[str, ...]) -> Select:
    """Built once per scope, database and set of filters: the scope (the user's id or team) and the filters'
    values are parameters. An owner outside the scope adds nothing (the scope's condition holds too)."""
    stmt = select(func.coalesce(func.sum(CustomerTally.customers), 0))
    condition = scope_condition(scope, CustomerTally.owner_key, postgresql)
    if condition is not None:
        stmt = stmt.where(condition)
    for key in filters:
        stmt = stmt.where(TALLIED_FILTERS[key] == bindparam(f"tally_{key}"))
    return stmt


def scope_count_statement(scope: str | None, postgresql: bool) -> Select:
    """The count of every live customer in a scope, built once: its parameters are the scope's
    (core.security.scope_parameters), for a list whose statements are built once (views/customer_list.py)."""
    return _count_statement(scope, postgresql, ())


def count_statement(user: Any, scope: str | None, active_filters: Mapping[str, str], postgresql: bool) -> Select:
    """The number of live customers in ``user``'s ``scope`` that ``active_filters`` (grade, owner) keep, as a
    statement with its parameters bound (see ``answers``)."""
    filters = tuple(sorted(active_filters))
    values: dict[str, Any] = {f"tally_{key}": int(value) if key == "owner" else value
                              for key, value in active_filters.items()}
    return _count_statement(scope, postgresql, filters).params(**scope_parameters(user, scope), **values)
