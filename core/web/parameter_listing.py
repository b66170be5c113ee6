"""A list whose statements are built once per process, with the user's id, scope and the like as bound
parameters (issue 18): building a list's select, its count and its cache keys at every request cost more Python
than running them on the pages that open most (a supervisor's queue, a representative's orders).

``page_statements`` builds the count and the page of rows for one sort; a plugin keeps them per scope, database
and sort (functools.cache) and hands them to a ``ParameterListing`` with the parameters of this request
(core.security.scope_condition / scope_parameters).

A list may serve more than the page as it opens from statements built once (the CRM's customer list: its searches
too), through one extension point, ``request_shape``: from the request's arguments, the key of the statements
that serve it and the parameters they take beyond the list's own (see ``ParameterListing``)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any

from flask import request
from sqlalchemy import Integer, bindparam

from core.extensions import db
from core.web.listing import ListQuery, Page, plain_args

#: How statements built once serve a request: the key they are kept under (None: the list as it opens, not
#: searched) and the parameters they take beyond the list's own ``parameters`` (a search's texts, say).
Shape = tuple[Hashable, Mapping[str, Any]]

#: The list as it opens: its own statements, no parameter of its own.
PLAIN: Shape = (None, {})


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
    rows as the plain page would for the same arguments.

    The extension point, for a list that serves other requests from statements built once as well (a search by
    its shape, say): ``request_shape(args)`` returns the ``Shape`` (key, extra parameters) that serves ``args``, or
    None for a page built for the request (ListQuery.page). Override the method, or pass ``request_shape=`` a
    callable of the arguments. The default serves the plain page alone (``PLAIN``). For a key other than None,
    ``statements`` is called as ``statements(sort, key)`` (the count and rows of that shape, kept by the caller as
    the plain ones are) and run with ``parameters`` and the shape's parameters, whose names must differ from the
    list's (ValueError otherwise); its q is the request's search text. A shape serves a request with no filter in
    force and no grouping (the page it makes has none): for any other, ``request_shape`` returns None.
    ``page_rows`` reads the page's rows from the rows statement and ``page_total`` its total from the count
    statement (override them to read either another way)."""

    def __init__(self, stmt: Any, *, parameters: dict[str, Any], statements: Callable[..., tuple[Any, Any]],
                 narrowed: bool = False, request_shape: Callable[[Mapping[str, str]], Shape | None] | None = None,
                 **options: Any) -> None:
        super().__init__(stmt, **options)
        self.parameters = parameters
        self.statements = statements
        self.narrowed = narrowed
        if request_shape is not None:
            self.request_shape = request_shape  # type: ignore[method-assign]

    def filtered(self, args: Mapping[str, str]) -> tuple[Any, dict[str, str], dict[str, str]]:
        stmt, active, errors = super().filtered(args)
        return stmt.params(self.parameters), active, errors

    def plain(self, args: Mapping[str, str]) -> bool:
        """Whether ``args`` ask for the list as it opens (any page, sort and size)."""
        return not (self.narrowed or self.search_text(args) or self.group_for(args) is not None
                    or any(flt.default or (args.get(flt.key) or "").strip() for flt in self.filters))

    def request_shape(self, args: Mapping[str, str]) -> Shape | None:
        """Which statements built once serve ``args`` (see the class): the plain page's (``PLAIN``) when ``args``
        ask for the list as it opens, else None (statements built for the request)."""
        return PLAIN if self.plain(args) else None

    def page_total(self, connection: Any, count: Any, parameters: Mapping[str, Any], key: Hashable) -> int:
        """How many rows the page of shape ``key`` pages through: its count statement (``statements``' first), run
        with ``parameters``. Override it for a list that knows its total already (from a figure its page reads
        anyway, say)."""
        return connection.scalar(count, parameters) or 0

    def page_rows(self, connection: Any, rows: Any, parameters: Mapping[str, Any]) -> list[Any]:
        """The page's items from its rows statement (``statements``' second), run with ``parameters`` (the list's,
        the shape's, the page's limit and offset): plain rows."""
        return connection.execute(rows, parameters).all()

    def page(self, args: Mapping[str, str] | None = None, session: Any = None) -> Page:
        args = request.args if args is None else args
        shape = self.request_shape(args)
        if shape is None:
            return super().page(args, session)
        key, extra = shape
        sort, per_page = self.sort_key(args), self.per_page_for(args)
        count, rows = self.statements(sort) if key is None else self.statements(sort, key)
        if extra and not extra.keys().isdisjoint(self.parameters):
            # A shape's parameter must never replace the list's own (the user's id or team: the record scope).
            raise ValueError(f"a shape's parameters repeat the list's: {sorted(extra.keys() & self.parameters)}")
        parameters = {**self.parameters, **extra} if extra else self.parameters
        session = session or db.session
        session.flush()  # what the ORM's autoflush does before a query: pending changes count
        connection = session.connection()
        total = self.page_total(connection, count, parameters, key)
        number = self.page_number(args, total, per_page)
        items = (self.page_rows(connection, rows, {**parameters, "page_limit": per_page,
                                                   "page_offset": (number - 1) * per_page}) if total else [])
        # The page as ListQuery.page makes it (no filter in force; searched only in a shape other than the plain one).
        return Page(listing=self, items=items, total=total, page=number, per_page=per_page, sort=sort,
                    q="" if key is None else self.search_text(args), active_filters={}, errors={},
                    args=plain_args(args))
