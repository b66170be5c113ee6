"""Analytics' own data sets: competitors' prices, customers' needs and research activities, so that the
explorer (and any other reader of ``register_datasets``) charts market data like sales data."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.contracts import DatasetColumn, DatasetDef
from core.identity.models import User
from plugins.analytics.models import Competitor, CustomerNeed, PriceObservation, ResearchActivity
from plugins.analytics.permissions import MARKET_VIEW


def _channel_labels() -> dict[str, str]:
    from plugins.analytics.views.market import channel_labels

    return channel_labels()


def _source_labels() -> dict[str, str]:
    from plugins.analytics.views.research import source_labels

    return source_labels()


def _kind_labels() -> dict[str, str]:
    from plugins.analytics.views.research import kind_labels

    return kind_labels()


def prices_query(user: Any) -> Any:
    return (select(PriceObservation.observed_on.label("date"), Competitor.name.label("competitor"),
                   PriceObservation.their_product, PriceObservation.our_product, PriceObservation.channel,
                   PriceObservation.price, PriceObservation.our_price,
                   User.name.label("reported_by"))
            .join(Competitor, Competitor.id == PriceObservation.competitor_id)
            .join(User, User.id == PriceObservation.reported_by_id))


def needs_query(user: Any) -> Any:
    return (select(CustomerNeed.noted_on.label("date"), CustomerNeed.theme, CustomerNeed.source,
                   CustomerNeed.id.label("need_id"), User.name.label("reported_by"))
            .join(User, User.id == CustomerNeed.reported_by_id))


def activities_query(user: Any) -> Any:
    return (select(ResearchActivity.held_on.label("date"), ResearchActivity.kind, ResearchActivity.title,
                   ResearchActivity.cost, ResearchActivity.leads, User.name.label("owner"))
            .join(User, User.id == ResearchActivity.owner_id))


def definitions() -> list[DatasetDef]:
    return [
        DatasetDef("analytics.prices", _l("Competitors' prices"), (
            DatasetColumn("date", _l("Seen on"), "date"), DatasetColumn("competitor", _l("Competitor")),
            DatasetColumn("their_product", _l("Their product")), DatasetColumn("our_product", _l("Our product")),
            DatasetColumn("channel", _l("Channel"), value_labels=_channel_labels),
            DatasetColumn("price", _l("Their price"), "decimal"), DatasetColumn("our_price", _l("Our price"), "decimal"),
            DatasetColumn("reported_by", _l("Reported by")),
        ), MARKET_VIEW, prices_query, date_column="date"),
        DatasetDef("analytics.needs", _l("Customer needs"), (
            DatasetColumn("date", _l("Date"), "date"), DatasetColumn("theme", _l("Theme")),
            DatasetColumn("source", _l("Heard in"), value_labels=_source_labels),
            DatasetColumn("need_id", _l("Need"), "int", role="key"), DatasetColumn("reported_by", _l("By")),
        ), MARKET_VIEW, needs_query, date_column="date"),
        DatasetDef("analytics.research", _l("Research activities"), (
            DatasetColumn("date", _l("Date"), "date"), DatasetColumn("kind", _l("Kind"), value_labels=_kind_labels),
            DatasetColumn("title", _l("Activity"), role="key"), DatasetColumn("cost", _l("Cost"), "decimal"),
            DatasetColumn("leads", _l("Leads brought"), "int", role="measure"), DatasetColumn("owner", _l("By")),
        ), MARKET_VIEW, activities_query, date_column="date"),
    ]
