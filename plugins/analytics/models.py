"""Analytics' tables (all named analytics_*): saved reports, competitors and the prices seen for them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import utcnow

MONEY = Numeric(14, 2)
PRICE_CHANNELS = ("tmall", "jd", "douyin", "wechat_shop", "website", "offline", "other")


class SavedReport(db.Model):
    """A pivot kept under a name: private to its owner, or shared with everyone holding a role.

    It keeps the question, never the answer: whoever opens it runs it with their own scope, so sharing a report
    never shows anyone more rows than they may see.
    """

    __tablename__ = "analytics_saved_report"
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
