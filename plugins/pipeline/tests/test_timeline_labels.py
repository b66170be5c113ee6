"""The deal's timeline speaks the reader's language (issue 12): tracked fields by their labels, stages by their
names, times in the company time zone; bookkeeping fields (stage_entered_at, version) are not shown at all."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from core.timeutil import utcnow


def test_a_stage_change_reads_as_labels_on_the_deals_timeline(app, db, client, login_as, team, deal):
    team["rep"].locale = "zh_Hans"
    deal.stage = "needs"  # an audited change of the stage, with its bookkeeping stamp
    deal.stage_entered_at = utcnow() + timedelta(seconds=1)
    deal.expected_value = Decimal("25000.00")
    db.session.commit()
    login_as(team["rep"])
    page = client.get(f"/pipeline/deals/{deal.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    timeline = html[html.index('id="timeline"'):]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", timeline))
    assert "商机阶段：客户开发→需求挖掘" in text.replace(" ", "")
    assert "20,000.00 → 25,000.00" in text
    for internal in ("stage_entered_at", "expected_value", "version", "development", "needs →"):
        assert internal not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", text)  # no raw (UTC) times
