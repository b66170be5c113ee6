"""Market research (R7.2.1, R2.1.5, R2.3.4): competitors, and the prices representatives see for their products."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.timeutil import local_today
from plugins.analytics.models import PRICE_CHANNELS, Competitor, MarketShare, PriceObservation

MONEY_MAX = Decimal("999999999999.99")  # what Numeric(14, 2) holds
TEXT_MAX = {"name": 120, "website": 300, "their_product": 200, "our_product": 200, "promotion": 300, "source": 300}


class MarketError(ValueError):
    """Input the market records refuse; ``field`` names the form field the message belongs to."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


def _text(value: Any, field: str, required: bool = True) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise MarketError(_l("This field is required."), field)
        return None
    if len(text) > TEXT_MAX.get(field, 5000):
        raise MarketError(_l("At most %(n)s characters.", n=TEXT_MAX.get(field, 5000)), field)
    return text


def price(value: Any, field: str, required: bool = True) -> Decimal | None:
    """A price from a form: a positive amount a Numeric(14, 2) column holds, to the fen."""
    if value in (None, ""):
        if required:
            raise MarketError(_l("This field is required."), field)
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise MarketError(_l("Enter an amount such as 199.00."), field) from exc
    if not amount.is_finite() or amount <= 0 or amount > MONEY_MAX:
        raise MarketError(_l("Enter an amount between 0.01 and 999,999,999,999.99."), field)
    if amount != amount.quantize(Decimal("0.01")):
        raise MarketError(_l("Amounts have at most two decimals."), field)
    return amount


def save_competitor(session: Any, competitor: Competitor | None, *, name: Any, website: Any = None,
                    strengths: Any = None, weaknesses: Any = None) -> Competitor:
    clean_name = _text(name, "name")
    clash = session.scalar(select(Competitor.id).where(func.lower(Competitor.name) == clean_name.lower()))
    if clash is not None and (competitor is None or clash != competitor.id):
        raise MarketError(_l("A competitor of this name is already recorded."), "name")
    competitor = competitor or Competitor()
    competitor.name = clean_name
    competitor.website = _text(website, "website", required=False)
    competitor.strengths = _text(strengths, "strengths", required=False)
    competitor.weaknesses = _text(weaknesses, "weaknesses", required=False)
    session.add(competitor)
    session.flush()
    return competitor


def record_price(session: Any, user: Any, *, competitor_id: int, their_product: Any, our_product: Any,
                 observed_on: date | None, channel: str, price_value: Any, our_price: Any = None,
                 promotion: Any = None) -> PriceObservation:
    competitor = session.get(Competitor, competitor_id) if competitor_id else None
    if competitor is None or not competitor.active:
        raise MarketError(_l("Choose a competitor."), "competitor_id")
    if channel not in PRICE_CHANNELS:
        raise MarketError(_l("Choose a channel."), "channel")
    if observed_on is None:
        raise MarketError(_l("This field is required."), "observed_on")
    if observed_on > local_today():
        raise MarketError(_l("A price cannot be seen in the future."), "observed_on")
    observation = PriceObservation(
        competitor_id=competitor.id, their_product=_text(their_product, "their_product"),
        our_product=_text(our_product, "our_product"), observed_on=observed_on, channel=channel,
        price=price(price_value, "price"), our_price=price(our_price, "our_price", required=False),
        promotion=_text(promotion, "promotion", required=False), reported_by_id=user.id)
    session.add(observation)
    session.flush()
    return observation


@dataclass
class PricePoint:
    month: str
    competitor: str
    average: Decimal
    ours: Decimal | None


def price_history(session: Any, our_product: str) -> list[PricePoint]:
    """Average price per competitor and month for one of our products, with our own price seen beside it."""
    from core.contracts import DatasetColumn
    from plugins.analytics.services.pivot import bucket

    month = bucket(PriceObservation.observed_on, DatasetColumn("observed_on", "", "date"), "month")
    rows = session.execute(
        select(month.label("month"), Competitor.name, func.avg(PriceObservation.price),
               func.avg(PriceObservation.our_price))
        .join(Competitor, Competitor.id == PriceObservation.competitor_id)
        .where(PriceObservation.our_product == our_product)
        .group_by(month, Competitor.name).order_by(month, Competitor.name)).all()
    cent = Decimal("0.01")
    return [PricePoint(m, name, Decimal(str(avg)).quantize(cent),
                       Decimal(str(ours)).quantize(cent) if ours is not None else None)
            for m, name, avg, ours in rows]


def observed_products(session: Any) -> list[str]:
    return list(session.scalars(select(PriceObservation.our_product).distinct().order_by(PriceObservation.our_product)))


PERIOD = re.compile(r"^(20\d\d)(?:-(Q[1-4]|0[1-9]|1[0-2]))?$")
HUNDRED = Decimal("100")


def record_share(session: Any, user: Any, *, period: Any, region: Any, competitor_id: int | None, share: Any,
                 source: Any) -> MarketShare:
    """An estimate of one company's share (``competitor_id`` None: ours). The estimates of one period, region and
    source may not add up to more than 100 %."""
    clean_period = (period or "").strip().upper()
    if not PERIOD.match(clean_period):
        raise MarketError(_l("Write the period as 2026, 2026-Q3 or 2026-05."), "period")
    clean_region = (region or "").strip() or str(_l("Nationwide"))
    if len(clean_region) > 100:
        raise MarketError(_l("At most %(n)s characters.", n=100), "region")
    if competitor_id is not None:
        competitor = session.get(Competitor, competitor_id)
        if competitor is None or not competitor.active:
            raise MarketError(_l("Choose a competitor."), "competitor_id")
    try:
        value = Decimal(str(share).strip().rstrip("%").strip())
    except (InvalidOperation, ValueError) as exc:
        raise MarketError(_l("Enter a percentage such as 12.5."), "share") from exc
    if not value.is_finite() or value <= 0 or value > HUNDRED or value != value.quantize(Decimal("0.01")):
        raise MarketError(_l("Enter a percentage above 0 and at most 100, with at most two decimals."), "share")
    clean_source = _text(source, "source")
    taken = session.scalar(select(func.coalesce(func.sum(MarketShare.share), 0)).where(
        MarketShare.period == clean_period, MarketShare.region == clean_region, MarketShare.source == clean_source,
        MarketShare.competitor_id.is_(None) if competitor_id is None else MarketShare.competitor_id == competitor_id))
    if Decimal(str(taken)) > 0:
        raise MarketError(_l("This source already gives a share for this company, period and region."), "source")
    total = Decimal(str(session.scalar(select(func.coalesce(func.sum(MarketShare.share), 0)).where(
        MarketShare.period == clean_period, MarketShare.region == clean_region,
        MarketShare.source == clean_source))))
    if total + value > HUNDRED:
        raise MarketError(_l("The shares of one period, region and source would add up to more than 100 percent."),
                          "share")
    estimate = MarketShare(period=clean_period, region=clean_region, competitor_id=competitor_id, share=value,
                           source=clean_source, recorded_by_id=user.id)
    session.add(estimate)
    session.flush()
    return estimate


def share_table(session: Any) -> list[tuple[str, str, str, list[tuple[str | None, Decimal]]]]:
    """(period, region, source, [(company or None for us, share)]), newest period first."""
    names = dict(session.execute(select(Competitor.id, Competitor.name)).all())
    rows = session.scalars(select(MarketShare).order_by(MarketShare.period.desc(), MarketShare.region,
                                                        MarketShare.source, MarketShare.share.desc())).all()
    grouped: dict[tuple[str, str, str], list[tuple[str | None, Decimal]]] = {}
    for row in rows:
        grouped.setdefault((row.period, row.region, row.source), []).append(
            (names.get(row.competitor_id) if row.competitor_id else None, row.share))
    return [(p, r, s, shares) for (p, r, s), shares in grouped.items()]
