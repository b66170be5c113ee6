"""Analytics' tables (all named analytics_*): saved reports, competitors and the prices seen for them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from importlib import import_module
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import utcnow

MONEY = Numeric(14, 2)


def _labelled(module: str, name: str) -> Callable[[Any], Any]:
    """A tracked field's value labels from a view module's function, read when shown (views import models)."""
    def label(value: Any) -> Any:
        return getattr(import_module(f"plugins.analytics.{module}"), name)().get(value, value)
    return label


def _name_of(model: str, attribute: str, empty: Any = None) -> Callable[[Any], Any]:
    """A tracked id shown as the name of the record it points to (a competitor's, an activity's)."""
    def label(value: Any) -> Any:
        if value is None:
            return empty if empty is not None else value
        record = db.session.get(globals()[model], value)
        return getattr(record, attribute) if record is not None else value
    return label


def _kpi_label(key: Any) -> Any:
    from plugins.analytics.services.changes import kpis

    return next((str(k.label) for k in kpis() if k.key == key), key)


def _role_label(role_id: Any) -> Any:
    from core.identity.access import role_label
    from core.identity.models import Role

    role = db.session.get(Role, role_id) if role_id is not None else None
    return role_label(role) if role is not None else _l("Nobody (private)")


PRICE_CHANNELS = ("tmall", "jd", "douyin", "wechat_shop", "website", "offline", "other")


class SavedReport(db.Model):
    """A pivot kept under a name: private to its owner, or shared with everyone holding a role.

    It keeps the question, never the answer: whoever opens it runs it with their own scope, so sharing a report
    never shows anyone more rows than they may see.
    """

    __tablename__ = "analytics_saved_report"
    __label__ = _l("Saved report")  # its name on the audit page (core/audit/labels.py)
    #: The question itself (spec, JSON) is not shown: a reader follows the name, the chart and whom it is shared with.
    __tracked__ = {"name": _l("Report name"), "dataset_label": _l("Data set"),
                   "chart": (_l("Chart"), _labelled("views.explore", "chart_labels")),
                   "shared_role_id": (_l("Shared with"), _role_label), "owner_id": _l("Report owner")}
    __owner__ = "owner_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    owner_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    dataset_key: Mapped[str] = mapped_column(String(100))
    #: The data set's name when saved, to say which module a report needs when that module is off.
    dataset_label: Mapped[str] = mapped_column(String(200))
    spec: Mapped[str] = mapped_column(Text)  # PivotSpec.to_dict() as JSON
    chart: Mapped[str] = mapped_column(String(10), default="bar")
    shared_role_id: Mapped[int | None] = mapped_column(ForeignKey("core_role.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class Competitor(db.Model):
    """A competitor the team watches (R7.2.1, R2.1.5)."""

    __tablename__ = "analytics_competitor"
    __label__ = _l("Competitor")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"name": _l("Competitor's name"), "website": _l("Website"), "strengths": _l("Strengths"),
                   "weaknesses": _l("Weaknesses"), "active": _l("Still watched")}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    website: Mapped[str | None] = mapped_column(String(300))
    strengths: Mapped[str | None] = mapped_column(Text)
    weaknesses: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PriceObservation(db.Model):
    """A competitor's price seen on a day, on a channel, by someone (R7.2.1): the raw material of price charts."""

    __tablename__ = "analytics_price_observation"
    __label__ = _l("Price observation")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"competitor_id": (_l("Competitor"), _name_of("Competitor", "name")),
                   "their_product": _l("Their product"), "our_product": _l("Our product"),
                   "our_price": _l("Our price"), "observed_on": _l("Seen on"),
                   "channel": (_l("Channel"), _labelled("views.market", "channel_labels")),
                   "price": _l("Their price"), "promotion": _l("Promotion"), "reported_by_id": _l("Reported by")}
    __owner__ = "reported_by_id"
    __table_args__ = (Index("ix_analytics_price_observation_product_day", "our_product", "observed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competitor_id: Mapped[int] = mapped_column(ForeignKey("analytics_competitor.id"), index=True)
    their_product: Mapped[str] = mapped_column(String(200))
    #: The product of ours it competes with, as the team calls it (free text: analytics needs no pipeline).
    our_product: Mapped[str] = mapped_column(String(200))
    our_price: Mapped[Decimal | None] = mapped_column(MONEY)
    observed_on: Mapped[date] = mapped_column(index=True)
    channel: Mapped[str] = mapped_column(String(20))
    price: Mapped[Decimal] = mapped_column(MONEY)
    promotion: Mapped[str | None] = mapped_column(String(300))
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotableChange(db.Model):
    """A KPI of a person that moved beyond the threshold from one month to the next (R7.1.3).

    One row per KPI, person and month: the job that finds them may run twice, or in two processes, and still
    records and notifies once.
    """

    __tablename__ = "analytics_notable_change"
    __label__ = _l("Notable change")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"kpi_key": (_l("KPI"), _kpi_label), "user_id": _l("Whose KPI"), "month": _l("Month that moved"),
                   "previous": _l("Month before"), "current": _l("That month"), "change": _l("Change")}
    __owner__ = "user_id"
    __table_args__ = (UniqueConstraint("kpi_key", "user_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_key: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    month: Mapped[date] = mapped_column(index=True)  # first day of the month that moved
    previous: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    current: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    change: Mapped[Decimal] = mapped_column(Numeric(12, 4))  # current / previous - 1
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MonthlyReport(db.Model):
    """The monthly sales report (R2.3.6) as printed on the 1st for the month before: kept, never rewritten."""

    __tablename__ = "analytics_monthly_report"
    __label__ = _l("Monthly report")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"month": _l("Month reported"), "prepared_as_id": _l("Figures as seen by"),
                   "recipients": _l("Sent to (logins)")}

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(unique=True)  # first day of the month reported
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    #: Whose view of the figures it prints (a reader with the whole company in scope).
    prepared_as_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    recipients: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


ACTIVITY_KINDS = ("survey", "interview", "desk", "trade_show", "seminar")


class ResearchActivity(db.Model):
    """Market research (R7.2.1) and industry events attended (R7.2.3): method, sample, findings, cost, leads.

    Files (questionnaires, photos, slides) and comments hang off it through the core's timeline."""

    __tablename__ = "analytics_research_activity"
    __label__ = _l("Market research activity")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"kind": (_l("Kind of activity"), _labelled("views.research", "kind_labels")),
                   "title": _l("Activity"), "held_on": _l("Held on"), "place": _l("Place"), "method": _l("Method"),
                   "sample": _l("Sample"), "findings": _l("Findings"), "attendees": _l("Attendees"),
                   "cost": _l("Cost"), "leads": _l("Leads brought"), "owner_id": _l("Organised by")}
    __owner__ = "owner_id"
    __view_permission__ = "analytics.market.view"
    __edit_permission__ = "analytics.market.report"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(index=True)
    place: Mapped[str | None] = mapped_column(String(200))
    method: Mapped[str | None] = mapped_column(Text)
    sample: Mapped[str | None] = mapped_column(Text)
    findings: Mapped[str | None] = mapped_column(Text)
    attendees: Mapped[str | None] = mapped_column(Text)
    cost: Mapped[Decimal | None] = mapped_column(MONEY)
    leads: Mapped[int] = mapped_column(default=0)
    owner_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


NEED_SOURCES = ("interaction", "survey", "research", "event", "other")


class CustomerNeed(db.Model):
    """A need or opinion a customer voiced (R7.2.2), tagged by theme so that themes can be followed over time."""

    __tablename__ = "analytics_customer_need"
    __label__ = _l("Customer need")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"theme": _l("Theme"), "text": _l("What the customer said"),
                   "source": (_l("Heard in"), _labelled("views.research", "source_labels")),
                   "customer_name": _l("Customer's name"), "noted_on": _l("Noted on"),
                   "reported_by_id": _l("Noted by")}
    __owner__ = "reported_by_id"
    __table_args__ = (Index("ix_analytics_customer_need_theme_day", "theme", "noted_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    customer_name: Mapped[str | None] = mapped_column(String(200))
    noted_on: Mapped[date] = mapped_column(index=True)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MarketShare(db.Model):
    """An estimate of a company's share of the market in a period and region, with where it comes from (R7.2.1).

    ``competitor_id`` empty means our own company."""

    __tablename__ = "analytics_market_share"
    __label__ = _l("Market share")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"period": _l("Period of the estimate"), "region": _l("Region"),
                   "competitor_id": (_l("Company"), _name_of("Competitor", "name", _l("Our company"))),
                   "share": _l("Share (%)"), "source": _l("Source"), "recorded_by_id": _l("Recorded by")}
    __table_args__ = (UniqueConstraint("period", "region", "competitor_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(10), index=True)  # 2026, 2026-Q3 or 2026-05
    region: Mapped[str] = mapped_column(String(100))
    competitor_id: Mapped[int | None] = mapped_column(ForeignKey("analytics_competitor.id"), index=True)
    share: Mapped[Decimal] = mapped_column(Numeric(5, 2))  # percent, 0–100
    source: Mapped[str] = mapped_column(String(300))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ActivityLead(db.Model):
    """A customer an event or research brought (R7.2.3), linked to its page in the module that keeps customers
    (found through the global search hook: analytics needs no CRM)."""

    __tablename__ = "analytics_activity_lead"
    __label__ = _l("Lead from an activity")  # its name on the audit page (core/audit/labels.py)
    #: The link (url) is internal: the customer's name says which lead it is.
    __tracked__ = {"activity_id": (_l("Activity"), _name_of("ResearchActivity", "title")),
                   "title": _l("Customer brought"), "added_by_id": _l("Added by")}
    __table_args__ = (UniqueConstraint("activity_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("analytics_research_activity.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(300))
    added_by_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SalesSummary(db.Model):
    """The order lines' sums per company-local day (and per month) × representative × one group of dimensions,
    rebuilt by a job from the sales data set (services/summary.py), so that the dashboards need not read every
    line. Sums are kept exactly, in thousandths of a unit, as integers.

    ``kind`` says which dimensions a row keeps (the others are empty): "rep" none, "channel" channel and shop,
    "region" the region, "product" product and category. ``grain`` is "d" (``day`` is that day) or "m" (``day`` is
    the first of the month, the sum of its days). Every row keeps its representative, so the reader's scope
    (own / team / all) applies to the summary as to the lines (``__owner__``)."""

    __tablename__ = "analytics_sales_summary"
    __audit__ = False  # a cache of other tables' figures, rebuilt wholesale: no business record
    __owner__ = "representative_id"
    __table_args__ = (Index("ix_analytics_sales_summary_read", "kind", "grain", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    grain: Mapped[str] = mapped_column(String(1))
    day: Mapped[date]
    representative_id: Mapped[int | None]
    representative: Mapped[str | None] = mapped_column(Text)
    team: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(Text)
    shop: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(Text)
    product: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    revenue: Mapped[int] = mapped_column(BigInteger, default=0)  # thousandths of a yuan
    cost: Mapped[int] = mapped_column(BigInteger, default=0)
    quantity: Mapped[int] = mapped_column(BigInteger, default=0)  # thousandths of a unit
    lines: Mapped[int] = mapped_column(BigInteger, default=0)


class SummaryState(db.Model):
    """When the summary of a data set was last rebuilt (the dashboards say "figures as of HH:MM")."""

    __tablename__ = "analytics_summary_state"
    __audit__ = False  # bookkeeping of the summary job

    dataset_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    built_at: Mapped[datetime | None]
    lines: Mapped[int] = mapped_column(BigInteger, default=0)  # order lines summed at that time
