"""List pages: a SQLAlchemy select turned into one page of rows from the request's arguments.

Sorting only on whitelisted columns, search over given columns, filters whose values are validated, pagination in
SQL (two queries a page whatever the row count: one count, one page), and CSV / XLSX export of the same selection.
A list may also declare columns to group by (``?group=<key>``): a page of groups, each with its count and the sums
of the list's money columns, in one GROUP BY statement over the same scoped and filtered select (issue 12).
Templates render a :class:`Page` with the macros in templates/macros/lists.html; docs/ui.md shows the whole recipe.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from flask import Response, current_app, g, request, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, inspect, or_, select
from sqlalchemy.sql import Select
from werkzeug.exceptions import BadRequest

from core.extensions import db

#: Page sizes a user may pick; anything else falls back to the list's default.
PER_PAGE_CHOICES = (10, 25, 50, 100)
MAX_SEARCH_LENGTH = 100
#: An export is one request: keep it bounded so that a huge table cannot exhaust the worker's memory.
EXPORT_MAX_ROWS = 50_000
EXPORT_FORMATS = ("csv", "xlsx")
#: Argument names the list itself uses; everything else is left to the page (and kept in its links).
RESERVED_ARGS = ("page", "per_page", "sort", "q", "export", "group")
#: Arguments that belong to one visit of a list, not to what a saved view remembers.
TRANSIENT_ARGS = ("page", "export")
#: Characters url_for leaves unescaped in a query string (https://url.spec.whatwg.org/#percent-encoded-bytes).
QUERY_SAFE = "!$'()*,/:;?@"


@dataclass(frozen=True, eq=False)  # eq=False: comparing SQL columns builds expressions, not booleans
class Filter:
    """A filter shown above a list. Build one with :meth:`choice`, :meth:`date_from` or :meth:`date_to`.

    ``choices`` may be a callable (evaluated per request, so labels follow the user's language). A value that is
    not one of the choices, or not a date, is ignored and reported in ``Page.errors``: never a server error.
    """

    key: str
    label: str
    column: Any
    kind: str = "choice"  # choice, date_from, date_to
    choices: Sequence[tuple[str, str]] | Callable[[], Sequence[tuple[str, str]]] = ()
    coerce: Callable[[str], Any] = str
    #: The rows a chosen value keeps, when that is not ``column == value`` (a relationship: ``User.roles.any(…)``).
    where: Callable[[Any], Any] | None = None
    #: The value applied when the list is opened without this filter; the user lifts it by choosing ALL.
    default: str | None = None

    @classmethod
    def choice(cls, key: str, label: str, column: Any,
               choices: Sequence[tuple[str, str]] | Callable[[], Sequence[tuple[str, str]]],
               coerce: Callable[[str], Any] = str, *, where: Callable[[Any], Any] | None = None,
               default: str | None = None) -> Filter:
        """Rows whose ``column`` equals the chosen value (``coerce`` turns the text into the column's type), or
        for which ``where(value)`` holds. With ``default``, the list opens filtered on that value ("active
        users") and the filter's "All" choice (ALL) shows every row."""
        return cls(key, label, column, "choice", choices, coerce, where, default)

    @classmethod
    def date_from(cls, key: str, label: str, column: Any) -> Filter:
        """Rows on or after a date; for a (UTC) datetime column the day starts at midnight in the company zone."""
        return cls(key, label, column, "date_from")

    @classmethod
    def date_to(cls, key: str, label: str, column: Any) -> Filter:
        """Rows on or before a date (inclusive: the whole day, in the company time zone)."""
        return cls(key, label, column, "date_to")

    def options(self) -> list[tuple[str, str]]:
        """(value, label) as text; a lazily translated label is translated once per locale (list_cells.label_text),
        a plain one (a person's or a tag's name: most of a list's options) taken as it is."""
        from core.web.list_cells import label_text

        return [(str(v), label if type(label) is str else str(label_text(label)))
                for v, label in (self.choices() if callable(self.choices) else self.choices)]

    def condition(self, raw: str) -> Any:
        """The SQL condition for ``raw``; raises ValueError for a value the filter does not accept."""
        if self.kind == "choice":
            # The values only: turning every (lazily translated) label into text is the toolbar's business.
            choices = self.choices() if callable(self.choices) else self.choices
            if raw not in {str(value) for value, _label in choices}:
                raise ValueError(raw)
            value = self.coerce(raw)
            return self.where(value) if self.where is not None else self.column == value
        day = date.fromisoformat(raw)
        if self.kind == "date_to":
            day += timedelta(days=1)
        bound: Any = day
        if _is_datetime_column(self.column):
            bound = _local_midnight_as_utc(day)
        return self.column >= bound if self.kind == "date_from" else self.column < bound


#: The value of a filter with a default that lifts it ("all users", not only the active ones).
ALL = "all"


def _is_datetime_column(column: Any) -> bool:
    try:
        return column.type.python_type is datetime
    except (AttributeError, NotImplementedError):
        return False


def _local_midnight_as_utc(day: date) -> datetime:
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return datetime.combine(day, time.min, zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


@dataclass(frozen=True, eq=False)
class GroupBy:
    """A column a list can be grouped by (``?group=<key>``): each group is shown by its label, never its raw value.

    ``value_labels``: (value, label) pairs for a column of codes (an enum, a boolean), in the order groups are shown
    (a callable is evaluated per request, so labels follow the user's language); or ``label_column``: a column that
    names the value (``Department.name`` beside ``User.department_id``), which the list's select must already join,
    as it must for sorting. Without either, the value is its own label (a category typed by users). Rows without a
    value form the group ``empty_label``. ``filter_key`` names the list's Filter that shows one group's rows: each
    group then links to the list filtered on it (``filter_value`` turns the value into that filter's text).
    """

    key: str
    label: str
    column: Any
    value_labels: Sequence[tuple[Any, str]] | Callable[[], Sequence[tuple[Any, str]]] | None = None
    label_column: Any = None
    filter_key: str | None = None
    filter_value: Callable[[Any], str] = str
    empty_label: str | None = None

    def pairs(self) -> list[tuple[Any, Any]]:
        if self.value_labels is None:
            return []
        return list(self.value_labels() if callable(self.value_labels) else self.value_labels)

    def order_by(self, pairs: list[tuple[Any, Any]]) -> list[Any]:
        """Groups in the declared order of their values, else by label; rows without a value last."""
        last = case((self.column.is_(None), 1), else_=0)
        if pairs:
            return [last, case({value: index for index, (value, _label) in enumerate(pairs)}, value=self.column,
                               else_=len(pairs)), self.column]
        return [last, self.label_column if self.label_column is not None else self.column, self.column]

    def label_of(self, value: Any, named: Any, pairs: list[tuple[Any, Any]]) -> str:
        if value is None:
            return str(self.empty_label or _("Not set"))
        for known, label in pairs:
            if known == value or str(known) == str(value):
                return str(label)
        return str(named if self.label_column is not None and named is not None else value)


@dataclass(frozen=True, eq=False)
class SumColumn:
    """A column whose total each group shows (``money``: drawn with the money filter; else as a number)."""

    key: str
    label: str
    column: Any
    money: bool = True


@dataclass
class Group:
    """One group of a grouped page: its label, how many rows it holds, its sums, and the link to its rows."""

    value: Any
    label: str
    count: int
    sums: dict[str, Decimal]
    url: str | None = None


class ListQuery:
    """A list's rules: which columns sort, which are searched, which filters apply, and page sizes.

    ``ListQuery(select(Customer), sorts={"name": Customer.name, "created": Customer.created_at},
    default_sort="-created", search=[Customer.name, Customer.phone], filters=[Filter.choice(...)])``;
    then ``listing.page(request.args)`` in the view. The select should already be limited to what the user may
    see (the record-scope helper) and eager-load what the template shows, so the page costs two queries.
    ``groups`` (GroupBy) and ``sums`` (SumColumn) let the user group the list; a grouped page costs one query.
    """

    def __init__(self, stmt: Select, *, sorts: Mapping[str, Any], default_sort: str,
                 search: Sequence[Any] = (), filters: Sequence[Filter] = (), per_page: int = 25,
                 max_per_page: int = 100, groups: Sequence[GroupBy] = (), sums: Sequence[SumColumn] = ()) -> None:
        if default_sort.lstrip("-") not in sorts:
            raise ValueError(f"default_sort {default_sort!r} is not one of the sortable columns {list(sorts)}")
        if groups and not _rows_independent_of_columns(stmt):
            raise ValueError("a list with groups needs a select without DISTINCT, GROUP BY, HAVING or LIMIT")
        self.stmt = stmt
        self.sorts = dict(sorts)
        self.default_sort = default_sort
        self.search_columns = tuple(search)
        self.filters = tuple(filters)
        self.per_page = per_page
        self.max_per_page = max_per_page
        self.groups = tuple(groups)
        self.sums = tuple(sums)
        self._tiebreak = _primary_key(stmt)

    # -- reading the arguments -----------------------------------------------------------------------------------

    def sort_key(self, args: Mapping[str, str]) -> str:
        wanted = (args.get("sort") or "").strip()
        return wanted if wanted.lstrip("-") in self.sorts and wanted.count("-") <= 1 else self.default_sort

    def per_page_for(self, args: Mapping[str, str]) -> int:
        try:
            value = int(args.get("per_page", ""))
        except ValueError:
            return self.per_page
        return min(max(value, 1), self.max_per_page)

    def group_for(self, args: Mapping[str, str]) -> GroupBy | None:
        """The grouping the arguments ask for, if the list offers it (anything else: not grouped)."""
        wanted = (args.get("group") or "").strip()
        return next((group for group in self.groups if group.key == wanted), None)

    @staticmethod
    def search_text(args: Mapping[str, str]) -> str:
        return " ".join((args.get("q") or "").split())[:MAX_SEARCH_LENGTH]

    # -- building the query --------------------------------------------------------------------------------------

    def filtered(self, args: Mapping[str, str]) -> tuple[Select, dict[str, str], dict[str, str]]:
        """The select with search and filters applied (no order, no page), the accepted filter values and the
        messages for rejected ones."""
        stmt = self.stmt
        active: dict[str, str] = {}
        errors: dict[str, str] = {}
        for flt in self.filters:
            raw = (args.get(flt.key) or "").strip() or (flt.default or "")
            if not raw:
                continue
            if raw == ALL and flt.default is not None:
                active[flt.key] = ALL
                continue
            try:
                stmt = stmt.where(flt.condition(raw))
            except (ValueError, TypeError):
                errors[flt.key] = _("“%(value)s” is not a valid value for %(filter)s.", value=raw[:40],
                                    filter=flt.label)
            else:
                active[flt.key] = raw
        text = self.search_text(args)
        if text and self.search_columns:
            terms = []
            for word in text.split(" "):
                pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                terms.append(or_(*(column.ilike(pattern, escape="\\") for column in self.search_columns)))
            stmt = stmt.where(and_(*terms))
        return stmt, active, errors

    def ordered(self, stmt: Select, sort: str) -> Select:
        column = self.sorts[sort.lstrip("-")]
        order = [column.desc() if sort.startswith("-") else column.asc()]
        if self._tiebreak is not None and self._tiebreak is not column:
            order.append(self._tiebreak.desc() if sort.startswith("-") else self._tiebreak.asc())
        return stmt.order_by(None).order_by(*order)

    def count_statement(self, stmt: Select) -> Select:
        """``SELECT count(*)`` over ``stmt`` reduced to its primary key, without ORDER BY (or eager loads, which
        belong to the selected entity): the database can count from an index instead of reading every column of
        every row. A select whose row count depends on its columns (DISTINCT, GROUP BY, HAVING, LIMIT) or without
        a single-column key is counted whole."""
        reduced = stmt.order_by(None)
        if self._tiebreak is not None and _rows_independent_of_columns(stmt):
            # maintain_column_froms: a table only named in the columns still multiplies the rows, as before.
            reduced = reduced.with_only_columns(self._tiebreak, maintain_column_froms=True)
        return select(func.count()).select_from(reduced.subquery())

    # -- running it ----------------------------------------------------------------------------------------------

    @staticmethod
    def page_number(args: Mapping[str, str], total: int, per_page: int) -> int:
        """The asked-for page, within 1..last: a page past the end shows the last page, not an empty one."""
        pages = max(1, math.ceil(total / per_page))
        try:
            number = int(args.get("page", "1"))
        except ValueError:
            number = 1
        return min(max(number, 1), pages)

    def page(self, args: Mapping[str, str] | None = None, session: Any = None) -> Page:
        """One page of rows for ``args`` (default: the request's query string). Two queries; a grouped page
        (``?group=``) one."""
        args = request.args if args is None else args
        session = session or db.session
        stmt, active, errors = self.filtered(args)
        sort = self.sort_key(args)
        per_page = self.per_page_for(args)
        group = self.group_for(args)
        if group is not None:
            return self._grouped_page(group, stmt, args, session, sort=sort, per_page=per_page, active=active,
                                      errors=errors)
        searching = bool(self.search_text(args))
        # A number, not entities: on the session's connection, without the ORM's per-statement work (issue 18).
        total = session.connection().scalar(self.count_for_page(stmt, searching, session)) or 0
        number = self.page_number(args, total, per_page)
        items = (self.page_items(stmt, sort, searching, per_page, (number - 1) * per_page, session)
                 if total else [])
        return Page(listing=self, items=items, total=total, page=number, per_page=per_page, sort=sort,
                    q=self.search_text(args), active_filters=active, errors=errors, args=plain_args(args))

    # -- grouping ------------------------------------------------------------------------------------------------

    def grouped_statement(self, stmt: Select, group: GroupBy, pairs: list[tuple[Any, Any]]) -> Select:
        """One GROUP BY over the filtered select: per group its value (and naming column), row count and sums, and
        on every row the number of groups and the grand totals (window functions over the aggregates)."""
        count = func.count()
        sums = [func.coalesce(func.sum(s.column), 0) for s in self.sums]
        columns = [group.column.label("g_value"),
                   (group.label_column if group.label_column is not None else group.column).label("g_named"),
                   count.label("g_count"), *(total.label(f"g_sum_{i}") for i, total in enumerate(sums)),
                   func.count().over().label("g_groups"), func.sum(count).over().label("g_rows"),
                   *(func.sum(total).over().label(f"g_total_{i}") for i, total in enumerate(sums))]
        keys = [group.column] + ([group.label_column] if group.label_column is not None else [])
        return (stmt.order_by(None).with_only_columns(*columns, maintain_column_froms=True)
                .group_by(*keys).order_by(*group.order_by(pairs)))

    def _grouped_page(self, group: GroupBy, stmt: Select, args: Mapping[str, str], session: Any, *, sort: str,
                      per_page: int, active: dict[str, str], errors: dict[str, str]) -> Page:
        pairs = group.pairs()
        grouped = self.grouped_statement(stmt, group, pairs)
        number = self.page_number(args, MAX_PAGE_GUESS * per_page, per_page)
        rows = session.execute(grouped.limit(per_page).offset((number - 1) * per_page)).all()
        if not rows and number > 1:  # past the last page: count the groups, show the last page
            total = session.scalar(select(func.count()).select_from(grouped.order_by(None).subquery())) or 0
            number = self.page_number({"page": str(number)}, total, per_page)
            rows = session.execute(grouped.limit(per_page).offset((number - 1) * per_page)).all() if total else []
        page = Page(listing=self, items=[], total=rows[0].g_groups if rows else 0, page=number, per_page=per_page,
                    sort=sort, q=self.search_text(args), active_filters=active, errors=errors, args=plain_args(args),
                    group=group)
        page.groups = [Group(row.g_value, group.label_of(row.g_value, row.g_named, pairs), row.g_count,
                             {s.key: _amount(getattr(row, f"g_sum_{i}"), s) for i, s in enumerate(self.sums)})
                       for row in rows]
        for item in page.groups:
            if group.filter_key and item.value is not None:
                item.url = page.url(group=None, page=None, **{group.filter_key: group.filter_value(item.value)})
        if rows:
            page.group_totals = Group(None, _("Total"), int(rows[0].g_rows or 0),
                                      {s.key: _amount(getattr(rows[0], f"g_total_{i}"), s)
                                       for i, s in enumerate(self.sums)})
        return page

    # Two steps a list with its own indexes may override (the CRM customer list does): the count, and the rows.
    def count_for_page(self, stmt: Select, searching: bool, session: Any) -> Select:
        return self.count_statement(stmt)

    def page_items(self, stmt: Select, sort: str, searching: bool, limit: int, offset: int, session: Any) -> list[Any]:
        result = session.execute(self.ordered(stmt, sort).limit(limit).offset(offset))
        return list(result.scalars() if _single_entity(stmt) else result.all())

    def export_rows(self, args: Mapping[str, str] | None = None, session: Any = None,
                    limit: int = EXPORT_MAX_ROWS) -> list[Any]:
        """Every row of the current selection (search, filters, sort), at most ``limit``: what an export writes."""
        args = request.args if args is None else args
        session = session or db.session
        stmt, _active, _errors = self.filtered(args)
        result = session.execute(self.ordered(stmt, self.sort_key(args)).limit(limit))
        return list(result.scalars() if _single_entity(stmt) else result.all())


#: A grouped page is read before its groups are counted: the page number is only bounded by this many pages.
MAX_PAGE_GUESS = 1_000_000


def _amount(value: Any, column: SumColumn) -> Decimal:
    """A sum as Decimal; money to the cent (SQLite sums NUMERIC as binary floats)."""
    amount = Decimal(str(value if value is not None else 0))
    return amount.quantize(Decimal("0.01")) if column.money else amount


def _primary_key(stmt: Select) -> Any:
    """The selected entity's primary key, appended to every sort so that pages never overlap or skip rows."""
    descriptions = stmt.column_descriptions
    entity = descriptions[0].get("entity") if descriptions else None
    if entity is None:
        return None
    keys = inspect(entity).primary_key
    return keys[0] if len(keys) == 1 else None


def _rows_independent_of_columns(stmt: Select) -> bool:
    """True when replacing the columns of ``stmt`` leaves its number of rows unchanged (SQLAlchemy keeps these
    clauses on private attributes: read with defaults, so that an unknown shape is counted whole)."""
    return not (getattr(stmt, "_distinct", True) or getattr(stmt, "_distinct_on", True)
                or getattr(stmt, "_group_by_clauses", True) or getattr(stmt, "_having_criteria", True)
                or getattr(stmt, "_limit_clause", True) is not None or getattr(stmt, "_offset_clause", True) is not None
                or getattr(stmt, "_fetch_clause", True) is not None)


def _single_entity(stmt: Select) -> bool:
    descriptions = stmt.column_descriptions
    return len(descriptions) == 1 and isinstance(descriptions[0].get("type"), type) \
        and descriptions[0].get("entity") is descriptions[0].get("type")


def plain_args(args: Mapping[str, str]) -> dict[str, str]:
    """A list's query arguments without the empty ones, as a Page keeps them for its links (also for a plugin that
    builds its Page from statements of its own, as core.web.parameter_listing does)."""
    if hasattr(args, "to_dict"):
        return {key: value for key, value in args.to_dict(flat=True).items() if value != ""}
    return {key: value for key, value in args.items() if value not in ("", None)}


@dataclass
class Page:
    """One page of a list, with what its template needs to draw search, filters, sort links and pagination."""

    listing: ListQuery
    items: list[Any]
    total: int
    page: int
    per_page: int
    sort: str
    q: str
    active_filters: dict[str, str]
    errors: dict[str, str]
    args: dict[str, str] = field(default_factory=dict)
    #: Grouped pages (``?group=``): the grouping, this page's groups, and the count and sums of every row.
    group: GroupBy | None = None
    groups: list[Group] = field(default_factory=list)
    group_totals: Group | None = None
    #: What this page's links share (their path; the page links' URL around the number), built by the first one.
    _links: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def grouped(self) -> bool:
        return self.group is not None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.page * self.per_page, self.total)

    @property
    def filtering(self) -> bool:
        """True when search or filters narrow the list: the empty state then says "no match", not "no rows".
        A filter left at its default ("active users") does not count: the list is as it opens."""
        defaults = {flt.key: flt.default for flt in self.listing.filters if flt.default is not None}
        return bool(self.q or any(value not in (defaults.get(key), ALL if key in defaults else None)
                                  for key, value in self.active_filters.items()))

    def url(self, **changes: Any) -> str:
        """This list's URL with ``changes`` applied (None removes an argument); keeps the view's own arguments."""
        args = dict(self.args)
        for key, value in changes.items():
            if value is None or value == "":
                args.pop(key, None)
            else:
                args[key] = str(value)
        return _list_url(args, self._links)

    def clear_url(self) -> str:
        """The list without search and filters (sort and page size kept)."""
        return self.url(q=None, page=None, **dict.fromkeys((f.key for f in self.listing.filters), None))

    def page_url(self, number: int) -> str:
        """The list at page ``number``: pagination draws up to nine of these, which differ only in the number, so
        the URL is built once with a placeholder there and the number put in."""
        if number == 1:
            return self.url(page=None)
        parts = self._links.get("page_parts")
        if parts is None:
            parts = self._links["page_parts"] = self.url(page=_PAGE_PLACEHOLDER).split(_PAGE_PLACEHOLDER)
        if len(parts) != 2 or type(number) is not int:  # the placeholder also elsewhere: build this one whole
            return self.url(page=number)
        return f"{parts[0]}{number}{parts[1]}"

    def sort_url(self, key: str) -> str:
        """Clicking a column sorts by it ascending; clicking it again reverses."""
        return self.url(sort=f"-{key}" if self.sort == key else key, page=None)

    def sort_state(self, key: str) -> str | None:
        if self.sort == key:
            return "ascending"
        if self.sort == f"-{key}":
            return "descending"
        return None

    # lists.html's macros, drawn in Python (core.web.list_cells: the same HTML, a fraction of a macro's cost).

    @property
    def words(self) -> Mapping[str, Any]:
        """The list macros' fixed words in the request's language, translated once per locale and process."""
        from core.web.list_cells import words

        return words()

    def filter_control(self, flt: Filter) -> Any:
        """The toolbar's control of ``flt`` as markup (lists.html's ``filter_control``)."""
        from core.web.list_cells import filter_control

        return filter_control(self, flt)

    def toolbar(self, placeholder: Any = None, search: bool = True) -> Any:
        from core.web.list_cells import toolbar

        return toolbar(self, placeholder, search)

    def group_control(self) -> Any:
        from core.web.list_cells import group_control

        return group_control(self)

    def sort_header(self, key: str, label: Any, class_: Any = "") -> Any:
        from core.web.list_cells import sort_header

        return sort_header(self, key, label, class_)

    def pagination(self, sizes: Sequence[int] = (25, 50, 100)) -> Any:
        from core.web.list_cells import pagination

        return pagination(self, sizes)

    def export_links(self, formats: Sequence[str] = EXPORT_FORMATS) -> Any:
        from core.web.list_cells import export_links

        return export_links(self, formats)

    def export_url(self, fmt: str) -> str:
        return self.url(export=fmt, page=None)

    def group_url(self, key: str | None) -> str:
        """The list grouped by ``key`` (None: not grouped), from the first page."""
        return self.url(group=key, page=None)

    def saved_query(self) -> str:
        """What a saved view keeps of this page: its search, filters, sort, size and grouping as a query string
        (not the page number nor an export)."""
        kept = {key: value for key, value in self.args.items() if key not in TRANSIENT_ARGS}
        return urlencode(sorted(kept.items()), safe=QUERY_SAFE)

    def base_url(self) -> str:
        """This list without any argument."""
        return self.url(**dict.fromkeys(self.args, None))

    def page_numbers(self, around: int = 2) -> list[int | None]:
        """Page numbers to link, with None where a run is left out: 1 … 4 5 [6] 7 8 … 20."""
        wanted = {1, self.pages, *range(self.page - around, self.page + around + 1)}
        numbers: list[int | None] = []
        for number in sorted(n for n in wanted if 1 <= n <= self.pages):
            if numbers and number - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


#: Stands for the page number in a URL built once for every page link (letters only: encoded as it is).
_PAGE_PLACEHOLDER = "netsalespagenumber"


def _list_url(args: dict[str, str], links: dict[Any, Any] | None = None) -> str:
    """``url_for(this endpoint, its view arguments, **args)``. A list draws a dozen links (sort headers, pages,
    sizes, export): when the route is plain (one rule, no defaults, no URL-default callbacks, no argument named
    like a path variable), its path is built once per request and the query string appended, as url_for does.
    ``links`` (a Page's) keeps the path for the page's next links."""
    base = links.get("base") if links is not None else None
    if base is None:
        endpoint = request.endpoint or ""
        cache = g.setdefault("_netsales_list_base", {})
        base = cache.get(endpoint)
        if base is None:
            rules = list(current_app.url_map.iter_rules(endpoint))
            plain = len(rules) == 1 and not rules[0].defaults and not any(current_app.url_default_functions.values())
            base = cache[endpoint] = ((url_for(endpoint, **(request.view_args or {})), rules[0].arguments) if plain
                                      else ("", None))
        if links is not None:
            links["base"] = base
    path, path_arguments = base
    if path_arguments is None or path_arguments & args.keys():
        return url_for(request.endpoint or "", **(request.view_args or {}), **args)
    # Encoded as werkzeug encodes url_for's query arguments (werkzeug.urls._urlencode).
    return f"{path}?{urlencode(list(args.items()), safe=QUERY_SAFE)}" if args else path


# ---------------------------------------------------------------------------------------------------- export


@dataclass(frozen=True)
class ExportColumn:
    """A column of an export: ``value(row)`` if given, else the row's attribute or key named ``key``."""

    key: str
    label: str
    value: Callable[[Any], Any] | None = None

    def get(self, row: Any) -> Any:
        if self.value is not None:
            return self.value(row)
        if isinstance(row, Mapping):
            return row.get(self.key)
        return getattr(row, self.key, None)


def export_response(rows: Iterable[Any], columns: Sequence[ExportColumn | tuple[str, str]], format: str,
                    filename: str = "export") -> Response:
    """A download of ``rows``: CSV (UTF-8 with a BOM, so that Excel reads Chinese) or XLSX (openpyxl).

    Datetimes (stored in UTC) are written in the company time zone; money stays exact (Decimal). Raises
    BadRequest (400) for an unknown format.
    """
    if format not in EXPORT_FORMATS:
        raise BadRequest(_("Unknown export format: %(format)s.", format=str(format)[:10]))
    cols = [c if isinstance(c, ExportColumn) else ExportColumn(c[0], c[1]) for c in columns]
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    header = [str(c.label) for c in cols]
    table = ([_cell(c.get(row), zone) for c in cols] for row in rows)
    if format == "csv":
        # Werkzeug adds the charset to a text/* mimetype itself: naming it here sent it twice (issue 11 F8).
        body, mimetype = _csv_bytes(header, table), "text/csv"
    else:
        body = _xlsx_bytes(header, table)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, mimetype=mimetype)
    name = f"{filename}.{format}"
    ascii_name = name.encode("ascii", "ignore").decode() or f"export.{format}"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{ascii_name}"; filename*=UTF-8\'\'{quote(name)}'
    )
    return response


def _cell(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # stored naive UTC
            value = value.replace(tzinfo=ZoneInfo("UTC"))
        return value.astimezone(zone).replace(tzinfo=None, microsecond=0)
    if isinstance(value, Decimal) and not value.is_finite():
        return str(value)  # a spreadsheet has no NaN or Infinity: written as text rather than failing the download
    if value is None or isinstance(value, bool | int | Decimal | float | date):
        return value
    return str(value)


def _csv_bytes(header: list[str], table: Iterable[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in table:
        writer.writerow([_csv_text(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, Decimal):
        from core.web.locale import plain

        return plain(value)  # str() would write 10 stored as 1E+1 in exponent notation
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # a spreadsheet must not run a cell as a formula (CSV injection)
    return str(value)


def _xlsx_bytes(header: list[str], table: Iterable[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header)
    for row in table:
        sheet.append([_xlsx_value(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def wants_export(args: Mapping[str, str] | None = None) -> str | None:
    """The export format the request asks for (``?export=csv``), or None for the HTML page."""
    args = request.args if args is None else args
    return args.get("export") or None
