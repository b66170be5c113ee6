"""The expenses list pages as core list queries (core.web.listing): what each list sorts, searches and filters,
and what its CSV / XLSX export holds. Each starts from a select already limited to what the user may see (R2),
so a page costs a fixed number of queries (count, rows, eager loads) whatever the number of claims."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Select, and_, bindparam, select
from sqlalchemy.orm import joinedload, lazyload, load_only

from core.i18n import label_text
from core.identity.models import Department, User
from core.reference_data import cached_reference
from core.security import scope_for
from core.web.listing import ExportColumn, Filter, GroupBy, ListQuery, SumColumn
from core.web.parameter_listing import ParameterListing, page_statements
from plugins.expenses.labels import STATE_LABELS, state_label
from plugins.expenses.models import (
    BUDGET_APPROVED,
    BUDGET_DRAFT,
    CLAIM_STATES,
    DEPT_APPROVED,
    Budget,
    Category,
    Claim,
)
from plugins.expenses.search import searched
from plugins.expenses.services.budgets import budget_lines_query, budget_remaining_column
from plugins.expenses.services.categories import active_categories, category_label
from plugins.expenses.services.common import VIEW
from plugins.expenses.services.queries import (
    bound_visibility,
    department_queue,
    finance_queue,
    sees_queues,
    visibility_parameters,
)

#: What the lists' search box searches: the box is drawn for a list with search columns; the search itself goes
#: through the plugin's substring index (ClaimListQuery.filtered, search.claim_search).
CLAIM_SEARCH = (Claim.number, Claim.title)
#: The claimant of the claims a claim list exports (its page rows join the name themselves). Only the name: a whole
#: User would also load its roles and their grants (two more queries) for nothing. The queues, which export nothing,
#: go without: the options were walked for the statements' cache keys on every page for nothing (issue 18).
WITH_CLAIMANT = joinedload(Claim.claimant).options(load_only(User.id, User.name), lazyload(User.roles))


#: What a row of the claim tables shows, in the order views/rendering.py unpacks it, selected as plain columns:
#: building Claim and User objects for 25-500 rows (identity map, joined eager load) cost more than the rows' SQL
#: (issue 7 "Performance"). Only the columns a table shows (issue 18): the claim list adds the state and when the
#: claim was created (LIST_COLUMNS), a queue the moment the claim entered it (queue_columns).
SHOWN_COLUMNS = (Claim.id, Claim.number, Claim.title, Claim.over_budget, User.name, Claim.total)
LIST_COLUMNS = (*SHOWN_COLUMNS, Claim.state, Claim.created_at)


def queue_columns(waiting: Any) -> tuple[Any, ...]:
    """A queue's row columns: ``waiting`` is the timestamp of the state the queue lists (its "Waiting since")."""
    return (*SHOWN_COLUMNS, waiting)


class ClaimListQuery(ListQuery):
    """A claim list whose page rows are plain rows of ``columns`` (LIST_COLUMNS or queue_columns) rather than Claim
    objects; the export still loads whole claims (with the claimant eager-loaded by the select's options) for its
    columns. Its search box finds claims through the plugin's substring index (search.claim_search), not core's
    LIKE over every claim."""

    def __init__(self, stmt: Select, *, columns: tuple[Any, ...], **options: Any) -> None:
        super().__init__(stmt, **options)
        self.columns = columns

    def filtered(self, args: Mapping[str, str]) -> tuple[Select, dict[str, str], dict[str, str]]:
        stmt, active, errors = super().filtered({key: args.get(key) or "" for key in args if key != "q"})
        text = self.search_text(args)
        if text:
            from core.extensions import db

            stmt = searched(stmt, db.session, text)
        return stmt, active, errors

    def rows_statement(self, stmt: Select, sort: str) -> Select:
        """The page's rows of ``stmt`` sorted by ``sort`` (no limit yet): the shown columns, the claimant's name
        joined in."""
        # An outer join, as the eager load was: SQLite keeps the claim table as the outer loop (the sort's index).
        return (self.ordered(stmt, sort).with_only_columns(*self.columns)
                .outerjoin(User, User.id == Claim.claimant_id))

    def page_items(self, stmt: Select, sort: str, searching: bool, limit: int, offset: int,
                   session: Any) -> list[Any]:
        # On the session's connection, as core's count: the rows as the database gives them. The ORM's execution
        # rebuilt every row of plain columns value by value, for nothing (issue 18).
        return session.connection().execute(self.rows_statement(stmt, sort).limit(limit).offset(offset)).all()


class ClaimList(ClaimListQuery, ParameterListing):
    """The claim list: its select written with the user's id and team as parameters (queries.bound_visibility),
    built once per process for each scope; the page as it opens (no search, filter or grouping) runs a count and
    rows built once per scope and sort (core.web.parameter_listing), where building the list's select, its count
    and its rows at every request cost more Python than the representative's page's SQL (issue 18). A search, a
    filter, a grouping or an export binds the parameters into the select, as any list's."""


def _state_choices() -> list[tuple[str, str]]:
    """The states and their labels, each translated once per locale and process (core.i18n.label_text)."""
    return [(state, label_text(STATE_LABELS[state])) for state in CLAIM_STATES]


def _over_budget_filter() -> Filter:
    """Claims a review found over budget under a "warn" policy (every reviewer must see them)."""
    return Filter.choice("over_budget", _l("Budget"), Claim.over_budget, lambda: [("1", _("Over budget"))],
                         coerce=lambda _raw: True)


def _person_filter(args: Mapping[str, str]) -> list[Filter]:
    """"Claims of" one person, where a person's page links (smart_buttons.py): shown only while chosen, its one
    choice the person named in the link (a list of every user would be a dropdown of a whole table)."""
    from core.extensions import db
    from core.web.params import record_id

    person = record_id(args.get("claimant"))
    name = db.session.scalar(select(User.name).where(User.id == person)) if person is not None else None
    if name is None:
        return []
    return [Filter.choice("claimant", _l("Claims of"), Claim.claimant_id, [(str(person), name)], coerce=int)]


def _source_filter(args: Mapping[str, str], user: Any) -> list[Filter]:
    """The claims filed for one record's cost (issue 17), where the record's page links: shown only while chosen,
    and only for a record ``user`` may see."""
    from plugins.expenses.services.sources import claimable_record, parse_source_key, record_label

    raw = (args.get("source") or "").strip()
    record = claimable_record(raw, user) if raw else None
    if record is None:
        return []
    record_type, number = parse_source_key(raw)  # type: ignore[misc]  # a record was found by it
    return [Filter.choice("source", _l("Filed for"), Claim.source_id, [(raw, record_label(record))],
                          where=lambda _value: and_(Claim.source_type == record_type, Claim.source_id == number))]


def claim_list(user: Any, args: Mapping[str, str] | None = None) -> ListQuery:
    """Expenses → Claims: every claim ``user`` may see (own / team / all, R2), newest first. ``args`` (the
    request's) may narrow it to one person's claims or to those filed for one record (links of smart buttons)."""
    from core.extensions import db

    args = args if args is not None else {}
    scope = scope_for(user, VIEW)
    shape = (scope, scope != "all" and sees_queues(user), db.session.get_bind().dialect.name == "postgresql")
    state, others, groups, sums = _fixed_claim_list_parts()
    return ClaimList(
        _claims_in_scope(*shape),
        parameters=visibility_parameters(user, scope),
        statements=lambda sort: _claim_page_statements(*shape, sort),
        columns=LIST_COLUMNS,
        sorts=CLAIM_SORTS,
        default_sort=CLAIM_DEFAULT_SORT,
        search=CLAIM_SEARCH,
        filters=[
            state,
            # "mine" narrows a team's or the company's list to the user's own claims.
            Filter.choice("mine", _l("Claimant"), Claim.claimant_id, lambda: [("1", _("Only mine"))],
                          coerce=lambda _raw: user.id),
            *others,
            *_person_filter(args),
            *_source_filter(args, user),
        ],
        groups=groups,
        sums=sums,
    )


@cache
def _fixed_claim_list_parts() -> tuple[Filter, tuple[Filter, ...], tuple[GroupBy, ...], tuple[SumColumn, ...]]:
    """The claim list's filters, groups and sums that are the same for every user (immutable; their labels and
    choices translated when drawn): built once per process, not at every page. The state filter, those after the
    user's "mine", the groups and the sums."""
    state = Filter.choice("state", _l("State"), Claim.state, _state_choices)
    others = (
        _over_budget_filter(),
        Filter.date_from("since", _l("Created from"), Claim.created_at),
        Filter.date_to("until", _l("Created until"), Claim.created_at),
        Filter.choice("category", _l("Category"), Claim.category_id, _all_category_choices, coerce=int),
        Filter.choice("department", _l("Department"), Claim.department_id, _department_choices, coerce=int),
    )
    # Group by with counts and totals (issue 12): one GROUP BY over the same scoped, searched, filtered claims.
    # A claim whose lines have several categories forms the "several categories" group, never counted twice.
    groups = (
        GroupBy("state", _l("State"), Claim.state, value_labels=_state_choices, filter_key="state"),
        GroupBy("category", _l("Category"), Claim.category_id, value_labels=_category_pairs,
                filter_key="category", empty_label=_l("Several categories")),
        GroupBy("department", _l("Department"), Claim.department_id, value_labels=_department_pairs,
                filter_key="department", empty_label=_l("No department")),
    )
    return state, others, groups, (SumColumn("total", _l("Amount"), Claim.total),)


CLAIM_SORTS = {"number": Claim.number, "created": Claim.created_at, "submitted": Claim.submitted_at,
               "total": Claim.total, "state": Claim.state}
CLAIM_DEFAULT_SORT = "-created"


@cache
def _claims_in_scope(scope: str | None, finance: bool, postgresql: bool) -> Select:
    """queries.claims_query(user) for a user of this scope, the user's values as parameters (visibility_parameters),
    with the claimant for the export: built once per process and shape."""
    condition = bound_visibility(scope, finance, postgresql)
    stmt = select(Claim) if condition is None else select(Claim).where(condition)
    return stmt.order_by(Claim.created_at.desc(), Claim.id.desc()).options(WITH_CLAIMANT)


@cache
def _claim_page_statements(scope: str | None, finance: bool, postgresql: bool, sort: str) -> tuple[Select, Select]:
    """The count and the rows (:page_limit after :page_offset) of the claim list's plain page for this shape and
    sort, as ClaimListQuery.page counts and reads them: built once per process (sorts × directions × scopes)."""
    claims = _claims_in_scope(scope, finance, postgresql)
    count, _rows = page_statements(claims, sort, sorts=CLAIM_SORTS, default_sort=CLAIM_DEFAULT_SORT)
    rows = (ClaimListQuery(claims, columns=LIST_COLUMNS, sorts=CLAIM_SORTS, default_sort=CLAIM_DEFAULT_SORT)
            .rows_statement(claims, sort).limit(bindparam("page_limit", type_=Integer))
            .offset(bindparam("page_offset", type_=Integer)))
    return count, rows


#: The claim list's category and department choices, built once: the same statement object each page is its compiled
#: form's own, which spares SQLAlchemy re-keying the result columns (issue 18).
_CATEGORY_PAIRS = select(Category.id, Category.code, Category.name).order_by(Category.position, Category.id)
_DEPARTMENT_PAIRS = select(Department.id, Department.name).order_by(Department.name, Department.id)


def _category_pairs() -> list[tuple[int, str]]:
    """Every category, in use or not (old claims keep theirs), in the categories page's order."""
    from core.extensions import db

    # Plain rows (id, code, name: what category_label reads), not Category objects, kept per process until a
    # category changes (core/reference_data.py); translated in the request's language each time.
    rows = cached_reference("expenses.categories", lambda: db.session.connection().execute(_CATEGORY_PAIRS).all())
    return [(c.id, category_label(c)) for c in rows]


def _all_category_choices() -> list[tuple[str, str]]:
    return [(str(value), label) for value, label in _category_pairs()]


def _department_pairs() -> list[tuple[int, str]]:
    from core.extensions import db

    # Kept per process until a department changes (core/reference_data.py).
    return cached_reference("expenses.departments", lambda: [
        (d.id, d.name) for d in db.session.connection().execute(_DEPARTMENT_PAIRS)])


def _department_choices() -> list[tuple[str, str]]:
    return [(str(value), label) for value, label in _department_pairs()]


def review_list(user: Any) -> ListQuery:
    """Claims waiting for ``user``'s department-level review (R9.2.2), oldest first."""
    return ClaimListQuery(
        department_queue(user),
        columns=queue_columns(Claim.submitted_at),  # the queue lists submitted claims only
        sorts={"waiting": Claim.submitted_at, "number": Claim.number, "total": Claim.total},
        default_sort="waiting",
        search=CLAIM_SEARCH,
        filters=[_over_budget_filter()],
    )


def finance_list(user: Any, state: str) -> ListQuery:
    """Claims waiting for finance's re-review (``state`` dept_head_approved) or payment (finance_approved), R9.2.3;
    never the user's own."""
    waiting = Claim.dept_approved_at if state == DEPT_APPROVED else Claim.finance_approved_at
    return ClaimListQuery(
        finance_queue(user, state),
        columns=queue_columns(waiting),
        sorts={"waiting": waiting, "number": Claim.number, "total": Claim.total},
        default_sort="waiting",
        search=CLAIM_SEARCH,
        filters=[_over_budget_filter()],
        max_per_page=500,  # a batch payment may cover a long list at once
    )


def budget_list(year: int, sort: str = "") -> ListQuery:
    """Budget lines of ``year`` (R9.1.2); the view turns the page's rows into BudgetFigures. Only a sort by what
    is left joins every line's figures; otherwise they are summed for the shown lines alone."""
    query = budget_lines_query(year, with_usage=sort.lstrip("-") == "remaining")
    sorts: dict[str, Any] = {"department": Department.name, "category": Category.position, "amount": Budget.amount}
    if "committed" in query.selected_columns:
        sorts["remaining"] = budget_remaining_column(query)
    return ListQuery(
        query,
        sorts=sorts,
        default_sort="department",
        filters=[
            Filter.choice("state", _l("State"), Budget.state,
                          lambda: [(BUDGET_APPROVED, _("Approved")), (BUDGET_DRAFT, _("Draft"))]),
            Filter.choice("category", _l("Category"), Budget.category_id, _category_choices, coerce=int),
        ],
        per_page=50,
    )


def _category_choices() -> list[tuple[str, str]]:
    from core.extensions import db

    return [(str(c.id), category_label(c)) for c in active_categories(db.session)]


def claim_columns() -> list[ExportColumn]:
    """The columns of a claim list export (CSV / XLSX)."""
    return [
        ExportColumn("number", _("Number")),
        ExportColumn("title", _("Purpose")),
        ExportColumn("claimant", _("Claimant"), value=lambda c: c.claimant.name),
        ExportColumn("total", _("Amount")),
        ExportColumn("state", _("State"), value=lambda c: state_label(c.state)),
        ExportColumn("created_at", _("Created")),
        ExportColumn("submitted_at", _("Submitted")),
        ExportColumn("paid_at", _("Paid")),
    ]


def budget_columns() -> list[ExportColumn]:
    """The columns of a budget export: one row a budget line with its live figures."""
    return [
        ExportColumn("year", _("Year")),
        ExportColumn("department", _("Department")),
        ExportColumn("category", _("Category")),
        ExportColumn("state", _("State"), value=lambda f: _("Approved") if f.state == BUDGET_APPROVED else _("Draft")),
        ExportColumn("allocated", _("Allocated")),
        ExportColumn("committed", _("Committed")),
        ExportColumn("spent", _("Spent")),
        ExportColumn("remaining", _("Remaining")),
    ]


def spend_columns() -> list[ExportColumn]:
    """The spend-against-budget report (services.reports.spend_by_month rows) as an export: one column a month."""
    months = [ExportColumn(f"m{month}", str(month), value=lambda row, i=month - 1: row["months"][i])
              for month in range(1, 13)]
    return [ExportColumn("department", _("Department")), ExportColumn("category", _("Category")), *months,
            ExportColumn("committed", _("Committed")), ExportColumn("spent", _("Spent")),
            ExportColumn("allocated", _("Allocated")), ExportColumn("remaining", _("Remaining"))]
