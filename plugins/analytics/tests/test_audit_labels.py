"""Analytics' records on timelines and the audit page (core/audit/labels.py): labels, names, never codes or ids."""

from __future__ import annotations

from core.audit.labels import shown_changes, tracked_fields
from core.audit.recorder import is_audited


def test_every_audited_analytics_model_names_itself_and_tracks_its_fields(db):
    models = [m.class_ for m in db.Model.registry.mappers if m.class_.__module__ == "plugins.analytics.models"]
    audited = [m for m in models if is_audited(m)]
    assert {m.__name__ for m in audited} >= {"SavedReport", "Competitor", "PriceObservation", "NotableChange",
                                             "MonthlyReport", "ResearchActivity", "CustomerNeed", "MarketShare",
                                             "ActivityLead"}
    for model in audited:
        assert getattr(model, "__label__", None) is not None, model.__name__
        assert getattr(model, "__tracked__", None), model.__name__
    # The summary is a cache rebuilt wholesale: auditing it would flood the trail with a million rows a day.
    assert not any(is_audited(m) for m in models if m.__name__ in ("SalesSummary", "SummaryState"))


def test_a_price_change_reads_as_names_and_labels(app, db, team):
    from datetime import date
    from decimal import Decimal

    from plugins.analytics.models import Competitor, PriceObservation

    rival = Competitor(name="竞品甲")
    db.session.add(rival)
    db.session.flush()
    db.session.add(PriceObservation(competitor_id=rival.id, their_product="X", our_product="Y", channel="jd",
                                    price=Decimal("1"), observed_on=date(2026, 3, 1), reported_by_id=team["rep"].id))
    db.session.flush()
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        changes = shown_changes([("analytics_price_observation", "state", {
            "channel": ["tmall", "jd"], "competitor_id": [None, rival.id], "price": ["100.00", "98.5"]})])[0]
        shown = {c.label: (c.old, c.new) for c in changes}
    assert shown["渠道"] == ("天猫", "京东")
    assert shown["竞争对手"][1] == "竞品甲"
    assert shown["对方价格"] == ("100.00", "98.50")
    assert "spec" not in tracked_fields("analytics_saved_report")
