"""A list whose statements are built once per process, with the user's id, scope and the like as bound
parameters (issue 18): building a list's select, its count and its cache keys at every request cost more Python
than running them on the pages that open most (a supervisor's queue, a representative's orders).

``page_statements`` builds the count and the page of rows for one sort; a plugin keeps them per scope, database
and sort (functools.cache) and hands them to a ``ParameterListing`` with the parameters of this request
(core.security.scope_condition / scope_parameters)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import request
from sqlalchemy import Integer, bindparam

from core.extensions import db
from core.web.listing import ListQuery, Page, plain_args


def page_statements(stmt: Any, sort: str, **options: Any) -> tuple[Any, Any]:
    """The count and the page of rows (``page_limit`` rows after ``page_offset``) that a ListQuery of ``stmt``
    (``options``: its sorts and default sort) runs for ``sort``: to build once per process and sort."""
    shape = ListQuery(stmt, **options)
    rows = (shape.ordered(stmt, sort).limit(bindparam("page_limit", type_=Integer))
            .offset(bindparam("page_offset", type_=Integer)))
    return shape.count_statement(stmt), rows


class ParameterListing(ListQuery):
    """A list over a select with bound parameters (``parameters``), whose plain page (no search, filter or
    grouping asked for, not ``narrowed``) runs the count and rows of ``statements(sort)`` (page_statements, built
    once) on the session's connection, as plain rows: nothing of the ORM is needed to draw them. A search, a
    filter or a grouping builds its statement as any list does, with the parameters bound, and gives the same
    rows as the plain page would for the same arguments."""

    def __init__(self, stmt: Any, *, parameters: dict[str, Any], statements: Callable[[str], tuple[Any, Any]],
                 narrowed: bool = False, **options: Any) -> None:
        super().__init__(stmt, **options)
        self.parameters = parameters
        self.statements = statements
        self.narrowed = narrowed

    def filtered(self, args: Mapping[str, str]) -> tuple[Any, dict[str, str], dict[str, str]]:
        stmt, active, errors = super().filtered(args)
        return stmt.params(self.parameters), active, errors

    def plain(self, args: Mapping[str, str]) -> bool:
        """Whether ``args`` ask for the list as it opens (any page, sort and size)."""
        return not (self.narrowed or self.search_text(args) or self.group_for(args) is not None
                    or any(flt.default or (args.get(flt.key) or "").strip() for flt in self.filters))

    def page(self, args: Mapping[str, str] | None = None, session: Any = None) -> Page:
        args = request.args if args is None else args
        if not self.plain(args):
            return super().page(args, session)
        sort, per_page = self.sort_key(args), self.per_page_for(args)
        count, rows = self.statements(sort)
        session = session or db.session
        session.flush()  # what the ORM's autoflush does before a query: pending changes count
        connection = session.connection()
        total = connection.scalar(count, self.parameters) or 0
        number = self.page_number(args, total, per_page)
        items = (connection.execute(rows, {**self.parameters, "page_limit": per_page,
                                           "page_offset": (number - 1) * per_page}).all() if total else [])
        # The page as ListQuery.page makes it (no search, no filter in force).
        return Page(listing=self, items=items, total=total, page=number, per_page=per_page, sort=sort, q="",
                    active_filters={}, errors={}, args=plain_args(args))
