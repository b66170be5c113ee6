"""The small frozen records that hooks return. The core validates and sorts them; see core/hookspecs.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

SCOPES = ("own", "team", "all")


@dataclass(frozen=True)
class PermissionDef:
    """A permission code a plugin declares, e.g. ``crm.customer.view``; record-level ones carry a scope in grants."""

    code: str
    label: str
    record_level: bool = False
    #: Built-in role codes that get this permission when the plugin is first seen, with their scope.
    default_grants: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: str
    endpoint: str
    permission: str | None = None
    icon: str = ""
    order: int = 100
    parent: str | None = None


@dataclass(frozen=True)
class DashboardWidget:
    key: str
    title: str
    template: str
    permission: str | None = None
    order: int = 100
    #: Called with the user; returns the template's context.
    context: Callable[[Any], dict[str, Any]] | None = None


@dataclass(frozen=True)
class ProfileSection:
    key: str
    title: str
    template: str
    order: int = 100
    context: Callable[[Any], dict[str, Any]] | None = None


@dataclass(frozen=True)
class SlotContent:
    """HTML a plugin adds to a named place of another page (already escaped: a markupsafe.Markup)."""

    html: str
    order: int = 100


@dataclass(frozen=True)
class SettingDef:
    key: str
    label: str
    type: str = "str"  # str, text, int, decimal, bool, choice
    default: Any = None
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""


@dataclass(frozen=True)
class ScheduledJob:
    key: str
    func: Callable[[], None]
    interval_seconds: int
    description: str = ""


@dataclass(frozen=True)
class ReportDef:
    key: str
    title: str
    endpoint: str
    permission: str | None = None


@dataclass(frozen=True)
class Period:
    """A half-open period [start, end) in the company time zone."""

    start: date
    end: date


@dataclass(frozen=True)
class KPIDef:
    """A KPI: ``compute(user_ids, period)`` returns {user_id: value} by set-based SQL.

    A person for whom the KPI has no meaning in the period (target completion without a target) is left out,
    never given a 0 that would read as a result; readers treat a missing person as "no figure"."""

    key: str
    label: str
    unit: str
    compute: Callable[[list[int], Period], dict[int, Decimal]]
    higher_is_better: bool = True


DATASET_COLUMN_ROLES = ("dimension", "measure", "date", "key")


@dataclass(frozen=True)
class DatasetColumn:
    """One column of a data set.

    ``role`` tells analytics what it may do with the column: group by a ``dimension``, sum/average a ``measure``,
    group a ``date`` by day/week/month/quarter/year, only count distinct values of a ``key``. Left empty, it follows
    the type (decimal → measure, date/datetime → date, anything else → dimension). ``value_labels`` maps stored codes
    (``tmall``, ``won``) to the labels a user reads, or is a function returning such a mapping or (code, label)
    pairs, called in the reader's language; analytics never shows a code.
    """

    key: str
    label: str
    type: str = "str"  # str, int, decimal, date, datetime
    role: str = ""
    value_labels: Mapping[str, Any] | Callable[[], Any] | None = field(default=None, compare=False, repr=False)

    @property
    def effective_role(self) -> str:
        if self.role:
            return self.role
        if self.type == "decimal":
            return "measure"
        if self.type in ("date", "datetime"):
            return "date"
        return "dimension"


@dataclass(frozen=True)
class DatasetDef:
    """A named data set: ``query(user)`` returns a SQLAlchemy select already limited to the user's scope.

    ``date_column`` names the column that places a row in time (for trends and period filters); analytics offers
    period filters only on data sets that name one.

    ``owner_column`` and ``unscoped`` (both or neither) let a reader keep a pre-aggregated summary of the data set:
    ``unscoped()`` returns every row, whoever owns it, and ``query(user)`` must be exactly those rows limited by
    ``core.security.scoped`` on ``owner_column`` (the owner's user id) through ``permission``. Analytics' summary
    job reads ``unscoped()`` and applies the same scope to its summary rows (docs/plugins/analytics.md).
    """

    key: str
    label: str
    columns: tuple[DatasetColumn, ...]
    permission: str
    query: Callable[[Any], Any]
    date_column: str | None = None
    owner_column: str | None = None
    unscoped: Callable[[], Any] | None = None


@dataclass(frozen=True)
class PurchaseStats:
    customer_id: int
    orders: int
    amount: Decimal
    last_purchase: date | None = None


@dataclass(frozen=True)
class CustomerEvaluation:
    """Customers' rating of one person over a period (R4.3.3): ``average`` on the survey's 1-5 scale."""

    user_id: int
    responses: int
    average: Decimal
    #: Where it comes from, for the appraisal page ("crm.surveys").
    source: str = ""


@dataclass(frozen=True)
class SearchResult:
    title: str
    url: str
    kind: str
    snippet: str = ""
    score: float = 0.0
    #: The group's heading as the reader reads it (issue 12: headings showed `customer`); empty: ``kind`` is one.
    kind_label: str = ""


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    text: str
    user_id: int | None = None
    url: str | None = None
    #: The author's display name when the plugin has it already (read with its entries); None: the timeline looks
    #: it up from ``user_id`` (one statement for all such entries), as for entries made without it.
    user_name: str | None = None


@dataclass(frozen=True)
class SmartButton:
    """A count shown at the top of a record page that links to the filtered list behind it (Odoo's smart buttons),
    or, with ``count`` None, an action on the record ("New deal"). ``url`` is a path inside NetSales."""

    key: str
    label: str
    url: str
    count: int | None = None
    #: A money or other figure shown under the label ("¥12,300.00"), already formatted for the reader.
    figure: str = ""
    icon: str = ""
    order: int = 100


@dataclass(frozen=True)
class LookupDef:
    """A kind of record that a searchable select can pick (issue 12: no dropdown of a whole table).

    ``search(query, user, limit, offset)`` returns ``(id, label)`` pairs of the records ``user`` may see that match
    ``query`` (an empty query lists the first ones, ordered); ``label_for(ids, user)`` returns ``{id: label}`` for the
    ids the user may see, to show a form's current value. ``kind`` is namespaced by the plugin (``crm.customer``)."""

    kind: str
    label: str
    search: Callable[[str, Any, int, int], list[tuple[int, str]]] = field(repr=False)
    label_for: Callable[[list[int], Any], dict[int, str]] = field(repr=False)
    permission: str | None = None
    #: ``url(id)``: the path of the record's page, so that another module can link to what was picked (a knowledge
    #: post's subject); None where the kind has no page of its own.
    url: Callable[[int], str] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ComplianceResult:
    ratio: Decimal | None
    text: str
    ok: bool
    #: A page inside NetSales listing the records behind the figure (the late revisits, the unpaid claims), if any.
    url: str | None = None


@dataclass(frozen=True)
class ComplianceCheck:
    key: str
    clause: str
    label: str
    measure: Callable[[], ComplianceResult] = field(repr=False)
