"""The customer list's query (R5.1, R2.1-R2.3): scope, search, filters, sort and one page, in a fixed number of
statements whatever the number of customers (issue 5 "Performance").

What keeps it cheap at 100,000 customers, on SQLite and PostgreSQL alike:
- search finds text anywhere in the normalised name, phone or e-mail through the plugin's substring index
  (services/search_terms.py): a subquery whose cost follows the matches, not the customers; a broad text (in
  very many of them: search_terms.is_broad, one statement more) is confirmed on the rows the list reads instead;
- sorts and filters have indexes over live customers that end with the id, the tiebreaker (models.py);
- the count reads only the customer table with the list's conditions (no joins, no selected columns);
- a page first picks its ids (an index-only scan, however deep the page), then loads those rows alone;
- the filters' choices (owners, tags) are read once per request, and tags by a loose index scan.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import g
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import Integer, Select, bindparam, exists, func, literal, select
from sqlalchemy.orm import aliased

from core.db.parameters import one_of
from core.db.substring_index import where_terms
from core.extensions import db
from core.identity.models import User
from core.security import scope_parameters
from core.web.list_cells import bulk_checkbox_drawer, escaped_texts
from core.web.listing import Filter, GroupBy, SumColumn
from core.web.locale import page_formats
from core.web.parameter_listing import PLAIN, ParameterListing, Shape
from plugins.crm import forms
from plugins.crm.access import VIEW, in_scope, sales_people, scope_of
from plugins.crm.models import Customer, CustomerTag
from plugins.crm.services import tally
from plugins.crm.services.search_terms import (
    bound_confirmed,
    bound_customer_search,
    customer_search,
    is_broad,
    owner_not_indexed,
    read_by_table_scan,
    search_parameters,
    search_shapes,
    search_terms,
)

#: Most distinct tags offered in the tag filter.
MAX_TAG_CHOICES = 200


def per_request(key: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per request (a filter's choices are asked for by the filter and again by the toolbar)."""
    cache = g.setdefault("_crm_cache", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


@dataclass(frozen=True, eq=False)
class TagFilter(Filter):
    """Customers carrying the chosen tag (tags live in their own table)."""

    def condition(self, raw: str) -> Any:
        if raw not in {value for value, _label in self.options()}:
            raise ValueError(raw)
        return exists().where(CustomerTag.customer_id == Customer.id, CustomerTag.tag == raw)


def owner_choices() -> list[tuple[str, str]]:
    def compute() -> list[tuple[str, str]]:
        scope = scope_of(current_user, VIEW)
        if scope == "own":
            return [(str(current_user.id), current_user.name)]
        if scope not in ("team", "all"):
            return []
        # Read with the assignment form's people (access.sales_people): one statement for both.
        return [(str(uid), name) for uid, name, _active in sales_people(current_user, scope)]

    return per_request("owner_choices", compute)


def tag_choices() -> list[tuple[str, str]]:
    return per_request("tag_choices", lambda: [(t, t) for t in visible_tags(current_user)])


def _visible_tags_statement(scope: str | None, postgresql: bool) -> Select:
    """The loose index scan of ``visible_tags`` for one scope; the limit and the scope's user or team are
    parameters."""
    tag = aliased(CustomerTag)

    def first_visible_after(previous: Any) -> Any:
        visible = in_scope(select(Customer.id).where(Customer.id == tag.customer_id), scope, postgresql).exists()
        stmt = select(tag.tag).where(visible)
        if previous is not None:
            stmt = stmt.where(tag.tag > previous)
        return stmt.order_by(tag.tag).limit(1).scalar_subquery()

    tags = select(first_visible_after(None).label("tag"), literal(1).label("n")).cte("crm_tags", recursive=True)
    tags = tags.union_all(select(first_visible_after(tags.c.tag), tags.c.n + 1)
                          .where(tags.c.tag.isnot(None), tags.c.n < bindparam("tag_limit")))
    return select(tags.c.tag).where(tags.c.tag.isnot(None)).order_by(tags.c.tag)


#: Built once per scope and database (building the recursive statement cost more than running it).
_VISIBLE_TAGS = {(scope, postgresql): _visible_tags_statement(scope, postgresql)
                 for scope in ("own", "team", "all", None) for postgresql in (True, False)}


def visible_tags(user: Any, limit: int = MAX_TAG_CHOICES) -> list[str]:
    """The distinct tags on customers ``user`` sees, in order: a loose index scan (one index probe per distinct
    tag, each stopping at the first visible customer), not a DISTINCT over every tag row in the scope."""
    scope = scope_of(user, VIEW)
    connection = db.session.connection()
    return list(connection.scalars(_VISIBLE_TAGS[scope, _is_postgresql(connection)],
                                   {"tag_limit": limit, **scope_parameters(user, scope)}))


def _without_search(args: Mapping[str, str]) -> dict[str, str]:
    return {key: args.get(key) or "" for key in args if key != "q"}


class CustomerListing(ParameterListing):
    """ParameterListing with the CRM's search, count and page loading (see the module's docstring).

    The list as it opens or searched, with no filter or grouping (the pages that open most), runs statements
    built once per scope, database, sort and shape of search, broad or not (``page_statements``): the user's id
    or team, the search's texts and the page's limit and offset are parameters. Building the count and the page's
    ids at every request cost more Python than a supervisor's whole page spends waiting for them (issue 18).
    ParameterListing runs them: this list tells it the search's shape and parameters (``request_shape``) and reads
    a page from its ids (``page_rows``). Filters and groupings build their statements for the request, over the
    same select with the parameters bound.

    ``whole_scope`` (user, scope): the list's select is every customer in that user's scope, so that its count,
    when only the grade or owner filter narrows it, comes from the tally (services/tally.py)."""

    def __init__(self, stmt: Any, *, parameters: dict[str, Any], whole_scope: tuple[Any, str | None] | None = None,
                 **options: Any) -> None:
        # Without ``whole_scope``, a select of its own (the clean-up list) builds its statements at every request.
        super().__init__(stmt, parameters=parameters, statements=self.page_statements,
                         narrowed=whole_scope is None, **options)
        self.whole_scope = whole_scope
        #: The scope and the database (PostgreSQL or not) whose statements ``page_statements`` builds.
        self.kept_for = (None if whole_scope is None
                         else (whole_scope[1], db.session.get_bind().dialect.name == "postgresql"))
        #: The tally's count for the arguments ``filtered`` was last given, when the tally answers them.
        self._tallied: Select | None = None
        #: Whether the text ``filtered`` was last given is broad (search_terms.is_broad): searched without the index.
        self._broad = False

    def filtered(self, args: Mapping[str, str]) -> tuple[Any, dict[str, str], dict[str, str]]:
        stmt, active, errors = super().filtered(_without_search(args))
        text = self.search_text(args)
        self._broad = bool(text) and self._is_broad(search_terms(text))
        if text:
            stmt = stmt.where(customer_search(text, indexed=not self._broad))
        self._tallied = None
        if self.whole_scope is not None and tally.answers(active, bool(text)):
            user, scope = self.whole_scope
            self._tallied = tally.count_statement(user, scope, active, not _is_sqlite(db.session))
        return stmt, active, errors

    def _is_broad(self, terms: dict[str, str]) -> bool:
        """search_terms.is_broad, its threshold grown with the scope's customers (the tally's count) when the list
        is a whole scope's."""
        if self.whole_scope is None or not terms:
            return is_broad(db.session.connection(), terms)
        return is_broad(db.session.connection(), terms, tally.scope_count_statement(*self.kept_for),
                        self.parameters)

    def _ordered_after_search(self, stmt: Select, sort: str) -> Select:
        """The sort written so that SQLite cannot walk the sort's index: it would test every customer against the
        search, where the search's indexes find the few matches to sort (SQLite has no statistics to tell)."""
        column = self.sorts[sort.lstrip("-")]
        keys = [func.coalesce(column, column), Customer.id]
        return stmt.order_by(None).order_by(*(key.desc() if sort.startswith("-") else key.asc() for key in keys))

    def _counted(self, stmt: Select, searching: bool, sqlite: bool, broad: bool = False) -> Select:
        """Counted from the customer table alone (its indexes), whatever the list's select joins for display;
        ``broad``: searched for a broad text (its LIKEs on every row in the scope)."""
        # The list's WHERE terms one by one (not ANDed into one), as owner_not_indexed rewrites top-level terms.
        counted = select(func.count()).select_from(Customer).where(*where_terms(stmt))
        if searching and sqlite:
            counted = owner_not_indexed(counted, searching)  # the search's indexes find fewer rows
        if broad and sqlite:
            counted = read_by_table_scan(counted)
        return counted

    def _page_ids(self, stmt: Select, sort: str, searching: bool, sqlite: bool) -> Select:
        """The ids of the list's rows in its order (a page of them is taken with limit and offset)."""
        ids = stmt.with_only_columns(Customer.id)
        if sqlite:
            ids = owner_not_indexed(ids, searching)
        return self._ordered_after_search(ids, sort) if sqlite and searching else self.ordered(ids, sort)

    def count_for_page(self, stmt: Select, searching: bool, session: Any) -> Select:
        """From the tally when it answers (see ``filtered``), else counted from the customer table alone (its
        indexes), whatever the list's select joins for display."""
        if self._tallied is not None and not searching:
            return self._tallied
        # A new statement from the select's terms: the scope's parameters (bound to ``stmt`` by ``filtered``) are
        # bound to it again. A broad text is searched as the rows are read, not by its index.
        indexed = searching and not self._broad
        return self._counted(stmt, indexed, _is_sqlite(session), searching and self._broad).params(self.parameters)

    def page_items(self, stmt: Select, sort: str, searching: bool, limit: int, offset: int,
                   session: Any) -> list[CustomerRow]:
        """The page's ids first (from an index alone, however deep the page), then those rows only (see
        ``rows_of``)."""
        connection = session.connection()
        ids = self._page_ids(stmt, sort, searching and not self._broad, _is_sqlite(session))
        return rows_of(connection, list(connection.scalars(ids.limit(limit).offset(offset))))

    def page_statements(self, sort: str, search: SearchKey | None = None) -> tuple[Select, Select]:
        """ParameterListing's ``statements``: the count and the page's ids (``page_limit`` after ``page_offset``)
        of this list's scope and database for ``sort``, searched for terms of ``search``'s shapes (search_shapes,
        and whether the text is broad; None: not searched), built once per process (the same SQL as
        ``count_for_page`` and ``page_items`` write for the request). Not searched, the count is the tally's for the
        whole scope (its parameters are the scope's too), as ``filtered`` records it."""
        built = _page_statements(self, *self.kept_for, sort, search)
        self._tallied = built[0] if search is None else None
        return built

    def request_shape(self, args: Mapping[str, str]) -> Shape | None:
        """ParameterListing's extension point: the list as it opens, or searched with no filter or grouping, runs
        the statements of the search's shape (search_shapes), its texts as parameters (search_parameters)."""
        if not self.plain(_without_search(args)):
            return None  # a filter or a grouping: statements built for the request
        text = self.search_text(args)
        if not text:
            return PLAIN
        terms = search_terms(text)
        broad = self._is_broad(terms)
        return (search_shapes(terms), broad), search_parameters(terms) if terms else {}

    def page_rows(self, connection: Any, rows: Any, parameters: Mapping[str, Any]) -> list[CustomerRow]:
        """The page's ids (``page_statements``' second), then those customers (``rows_of``)."""
        return rows_of(connection, list(connection.scalars(rows, parameters)))

    @staticmethod
    def rows_markup(items: list[CustomerRow], labels: Mapping[str, Mapping[str, str]], words: Mapping[str, str],
                    customer_url: str, bulk: bool) -> Markup:
        """The table rows of crm/customers.html (see ``customer_rows``)."""
        return customer_rows(items, labels, words, customer_url, bulk)

    def grouped_statement(self, stmt: Select, group: GroupBy, pairs: list[tuple[Any, Any]]) -> Select:
        """Grouped by owner, the owners' names are joined for the groups' labels (the plain list loads them with
        the page's rows instead, and does not join them)."""
        if group.label_column is _OWNER.name:
            stmt = stmt.outerjoin(_OWNER, _OWNER.id == Customer.owner_id)
        return super().grouped_statement(stmt, group, pairs)


#: The columns a list page shows (plain values), with the owner's name joined, and the page's tags: built once
#: for PostgreSQL (key True) and for SQLite.
_ROW_OWNER = aliased(User, name="crm_row_owner")
_PAGE_ROWS = {postgresql: (select(Customer.id, Customer.name, Customer.kind, Customer.phone, Customer.grade,
                                  Customer.grade_locked, Customer.state, Customer.region, Customer.completeness,
                                  Customer.updated_at, Customer.owner_id, _ROW_OWNER.name.label("owner_name"))
                           .outerjoin(_ROW_OWNER, _ROW_OWNER.id == Customer.owner_id)
                           .where(one_of(Customer.id, "ids", postgresql)))
              for postgresql in (True, False)}
_PAGE_TAGS = {postgresql: (select(CustomerTag.customer_id, CustomerTag.tag)
                           .where(one_of(CustomerTag.customer_id, "ids", postgresql))
                           .order_by(CustomerTag.customer_id, CustomerTag.tag))
              for postgresql in (True, False)}


#: A search as its statements are kept: the shapes of its terms (search_shapes) and whether the text is broad
#: (search_terms.is_broad: searched as the rows are read, not through the index).
SearchKey = tuple[tuple[tuple[str, str], ...], bool]

#: {(scope, PostgreSQL or not, sort, SearchKey or None): (count, page ids)}, filled by _page_statements.
#: Bounded: 4 scopes x 2 databases x 12 sorts x the shapes a search can take (search_shapes: up to 3 fields
#: with 4 shapes each) x broad or not, a few dozen in practice.
_PAGE_STATEMENTS: dict[tuple[Any, ...], tuple[Select, Select]] = {}


def _page_statements(listing: CustomerListing, scope: str | None, postgresql: bool, sort: str,
                     search: SearchKey | None) -> tuple[Select, Select]:
    """CustomerListing.page_statements, built at the first request of each key."""
    key = (scope, postgresql, sort, search)
    built = _PAGE_STATEMENTS.get(key)
    if built is None:
        stmt, sqlite = scoped_select(scope, postgresql), not postgresql
        # Whether the search's index finds the rows (SQLite is then kept off the owner's and sort's indexes), and
        # whether the text is broad (its count then reads the table).
        indexed = broad = False
        if search is not None:
            shapes, broad = search
            indexed = not broad
            stmt = stmt.where(bound_customer_search(shapes) if indexed else bound_confirmed(shapes))
        ids = (listing._page_ids(stmt, sort, indexed, sqlite).limit(bindparam("page_limit", type_=Integer))
               .offset(bindparam("page_offset", type_=Integer)))
        count = (listing._counted(stmt, indexed, sqlite, broad) if search is not None
                 else tally.scope_count_statement(scope, postgresql))
        built = _PAGE_STATEMENTS[key] = (count, ids)
    return built


def rows_of(connection: Any, page_ids: list[int]) -> list[CustomerRow]:
    """The customers ``page_ids``, in that order, with their owner's name and tags: put in order here, as a
    single statement let SQLite walk the sort's index testing every row against the ids. Read as plain values on
    the session's connection (the list only displays them): no ORM object, identity map or eager loader per
    row, and two statements (rows with their owner's name, tags) whatever the page's size."""
    if not page_ids:
        return []
    postgresql = _is_postgresql(connection)
    loaded = {row.id: row for row in connection.execute(_PAGE_ROWS[postgresql], {"ids": page_ids})}
    tags: dict[int, list[str]] = {}
    for customer_id, tag in connection.execute(_PAGE_TAGS[postgresql], {"ids": page_ids}):
        tags.setdefault(customer_id, []).append(tag)
    return [CustomerRow(loaded[customer_id], tags.get(customer_id, []))
            for customer_id in page_ids if customer_id in loaded]


class OwnerName:
    """A row's owner as the list shows it (``c.owner.name``), without a User object."""

    __slots__ = ("id", "name")

    def __init__(self, owner_id: int, name: str) -> None:
        self.id = owner_id
        self.name = name


class CustomerRow:
    """One customer of a list page: the attributes the list templates read, as plain values (read-only)."""

    __slots__ = ("id", "name", "kind", "phone", "grade", "grade_locked", "state", "region", "completeness",
                 "updated_at", "owner_id", "owner", "tag_names")

    def __init__(self, row: Any, tag_names: list[str]) -> None:
        (self.id, self.name, self.kind, self.phone, self.grade, self.grade_locked, self.state, self.region,
         self.completeness, self.updated_at, self.owner_id, owner_name) = row
        self.owner = OwnerName(self.owner_id, owner_name) if self.owner_id is not None else None
        self.tag_names = tag_names


#: The owner as the owner grouping joins it (an alias of its own: the customer's eager owner load is another).
_OWNER = aliased(User, name="crm_group_owner")


def _groups() -> list[GroupBy]:
    """What the customer list can be grouped by, each group linking to the list filtered to it (issue 12)."""
    return [
        GroupBy("grade", _l("Grade"), Customer.grade, value_labels=forms.grade_choices, filter_key="grade",
                empty_label=_l("Not graded yet")),
        GroupBy("state", _l("State"), Customer.state, value_labels=forms.state_choices, filter_key="state"),
        GroupBy("owner", _l("Owner"), Customer.owner_id, label_column=_OWNER.name, filter_key="owner",
                empty_label=_l("Unassigned")),
        GroupBy("source", _l("Source channel"), Customer.source, value_labels=lambda: forms.source_choices()[1:],
                filter_key="source", empty_label=_l("Source not recorded")),
    ]


#: Totals each group shows.
SUMS = (SumColumn("potential", _l("Potential value"), Customer.potential_value),
        SumColumn("purchases", _l("Purchases (CNY)"), Customer.purchase_amount))


def _is_sqlite(session: Any) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _is_postgresql(connection: Any) -> bool:
    return connection.dialect.name == "postgresql"


#: The list's sorts: the same for every customer list.
SORTS = {"name": Customer.name, "grade": Customer.grade, "state": Customer.state, "updated": Customer.updated_at,
         "created": Customer.created_at, "complete": Customer.completeness}


@cache
def scoped_select(scope: str | None, postgresql: bool) -> Select:
    """Every customer in ``scope`` (access.in_scope, as scoped_customers), the user's id or team as parameters
    (core.security.scope_parameters): built once per scope and database."""
    return in_scope(select(Customer), scope, postgresql)


def customer_listing(stmt: Any = None) -> CustomerListing:
    """The customer list over ``stmt`` (default: every customer the user sees, whose statements are built once
    per scope: see CustomerListing)."""
    whole_scope, parameters = None, {}
    if stmt is None:
        scope = scope_of(current_user, VIEW)
        whole_scope, parameters = (current_user, scope), scope_parameters(current_user, scope)
        stmt = scoped_select(scope, db.session.get_bind().dialect.name == "postgresql")
    return CustomerListing(
        stmt,
        parameters=parameters,
        whole_scope=whole_scope,
        sorts=SORTS,
        default_sort="-updated",
        search=[Customer.name_key, Customer.phone, Customer.email],
        filters=FILTERS,
        groups=GROUPS,
        sums=SUMS,
    )


#: The list's filters and groupings: the same on every request (their labels are lazy, their choices callables
#: asked per request), so built once.
FILTERS = (
    Filter.choice("grade", _l("Grade"), Customer.grade, [("A", "A"), ("B", "B"), ("C", "C")]),
    Filter.choice("state", _l("State"), Customer.state, forms.state_choices),
    Filter.choice("owner", _l("Owner"), Customer.owner_id, owner_choices, coerce=int),
    TagFilter("tag", _l("Tag"), Customer.id, "choice", tag_choices),
    Filter.choice("source", _l("Source channel"), Customer.source, lambda: forms.source_choices()[1:]),
)
GROUPS = tuple(_groups())


def customer_rows(items: list[CustomerRow], labels: Mapping[str, Mapping[str, str]], words: Mapping[str, str],
                  customer_url: str, bulk: bool) -> Markup:
    """The customer list's rows as one string: the template's loop cost a Jinja call, an escape and a yield per
    cell (about 40 a row); here a row is one f-string. Every value from the database is escaped (names, phones,
    regions and tags are typed by users), all of a page's in one call (core.web.list_cells.escaped_texts); the
    column names (``words``) and the codes' labels are escaped once per page."""
    name, grade, state, region, owner, tag_label, complete, updated, unassigned = (
        escape(words[key]) for key in ("name", "grade", "state", "region", "owner", "tags", "complete", "updated",
                                       "unassigned"))
    # Labels of codes escaped once a page, not once a row (a code missing from them is drawn as it is, escaped).
    kinds = {code: escape(label) for code, label in labels["kind"].items()}
    states = {code: escape(label) for code, label in labels["state"].items()}
    href = escape(customer_url)
    checkbox = bulk_checkbox_drawer() if bulk else None
    when = page_formats().datetime  # datetime_filter's text, the request's formats looked up once
    grades: dict[tuple[str, bool], str] = {}
    # Every row's texts in one list: name, phone, state, region, owner, updated, then its tags.
    texts: list[Any] = []
    for c in items:
        texts += (c.name, c.phone or "", c.state, c.region or "—", "" if c.owner is None else c.owner.name,
                  when(c.updated_at, "short"), *c.tag_names)
    escaped = escaped_texts(texts)
    out = []
    at = 0
    for c in items:
        name_html, phone, state_html, region_html, owner_html, updated_html = escaped[at:at + 6]
        at += 6 + len(c.tag_names)
        grade_cell = grades.get((c.grade, c.grade_locked))
        if grade_cell is None:
            if c.grade:
                lock = " 🔒" if c.grade_locked else ""
                grade_cell = (f'<span class="pill grade grade-{escape(c.grade.lower())}">'
                              f'{escape(c.grade)}{lock}</span>')
            else:
                grade_cell = '<span class="muted">—</span>'
            grades[(c.grade, c.grade_locked)] = grade_cell
        kind_label = kinds.get(c.kind)
        state_label = states.get(c.state)
        tags = "".join(f'<span class="pill">{tag}</span> ' for tag in escaped[at - len(c.tag_names):at])
        out.append(
            f'<tr>\n{checkbox(c.id, Markup(name_html)) if checkbox else ""}'
            f'<td data-label="{name}"><a href="{href}{c.id}">{name_html}</a>\n'
            f'<br><small>{escape(None) if kind_label is None else kind_label}{f" · {phone}" if c.phone else ""}'
            f'</small></td>\n'
            f'<td data-label="{grade}">{grade_cell}</td>\n'
            f'<td data-label="{state}"><span class="pill">{state_html if state_label is None else state_label}'
            f'</span></td>\n'
            f'<td data-label="{region}">{region_html}</td>\n'
            f'<td data-label="{owner}">{unassigned if c.owner is None else owner_html}</td>\n'
            f'<td data-label="{tag_label}">{tags}</td>\n'
            f'<td data-label="{complete}"><span class="{"muted" if c.completeness >= 80 else ""}">'
            f'{c.completeness}%</span></td>\n'
            f'<td data-label="{updated}">{updated_html}</td>\n</tr>\n')
    return Markup("".join(out))
