"""The scheduled jobs: notable changes (R7.1.3) and the monthly sales report (R2.3.6)."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

import pytest


@pytest.fixture
def march_and_april(db, team, shop):
    """rep: 1,000 in March, 400 in April (down 60 %); rep2: 1,000 and 900 (down 10 %)."""
    for who, march, april in (("rep", "1000", "400"), ("other", "1000", "900")):
        customer = shop.customer(team[who])
        shop.order(customer, team[who], datetime(2026, 3, 10, 4), [("CRM", "software", march)])
        shop.order(customer, team[who], datetime(2026, 4, 10, 4), [("CRM", "software", april)])
    db.session.commit()


def test_a_notable_fall_is_recorded_once_and_told_to_the_superior(app, db, team, march_and_april):
    from core.notifications.models import Notification
    from plugins.analytics.models import NotableChange
    from plugins.analytics.services.changes import record_last_month

    assert record_last_month(db.session, today=date(2026, 5, 3)) >= 1
    db.session.commit()
    moved = db.session.scalars(db.select(NotableChange).where(NotableChange.kpi_key == "pipeline.revenue")).all()
    assert [(m.user_id, m.month, str(m.change)) for m in moved] == [(team["rep"].id, date(2026, 4, 1), "-0.6000")]
    told = db.session.scalars(db.select(Notification).where(Notification.recipient_id == team["supervisor"].id)).all()
    assert any(n.params.get("name") == "rep" or n.params.get("name") == team["rep"].name for n in told)
    # Run again (a second process, a retry): nothing more.
    before = db.session.scalar(db.select(db.func.count(Notification.id)))
    assert record_last_month(db.session, today=date(2026, 5, 20)) == 0
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == before


def test_the_supervisor_sees_the_change_and_an_outsider_does_not(app, db, team, march_and_april, login_as):
    from plugins.analytics.services.changes import record_last_month

    record_last_month(db.session, today=date(2026, 5, 3))
    db.session.commit()
    assert "-60%" in login_as(team["supervisor"]).get("/analytics/changes").get_data(as_text=True)
    assert "-60%" not in login_as(team["outsider"]).get("/analytics/changes").get_data(as_text=True)


def test_the_monthly_report_is_printed_once_kept_and_sent(app, db, team, march_and_april, login_as):
    from pypdf import PdfReader

    from core.notifications.models import Notification
    from core.settings.store import set_setting
    from plugins.analytics.models import MonthlyReport
    from plugins.analytics.services.monthly import issue_last_month

    set_setting("analytics.report_recipients", "mgr")
    db.session.commit()
    report = issue_last_month(db.session, today=date(2026, 5, 1))
    db.session.commit()
    assert report is not None and report.month == date(2026, 4, 1)
    assert issue_last_month(db.session, today=date(2026, 5, 2)) is None  # idempotent
    assert db.session.scalar(db.select(db.func.count(MonthlyReport.id))) == 1
    assert db.session.scalar(db.select(db.func.count(Notification.id))
                             .where(Notification.recipient_id == team["manager"].id)) == 1
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(report.pdf)).pages)
    assert "2026年4月销售报告" in text and "1,300.00" in text
    pdf = login_as(team["manager"]).get(f"/analytics/monthly/{report.id}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert login_as(team["rep"]).get(f"/analytics/monthly/{report.id}").status_code == 403


def test_without_a_recipient_who_sees_everything_no_report_is_issued(app, db, team, march_and_april):
    from core.settings.store import set_setting
    from plugins.analytics.services.monthly import issue_last_month

    set_setting("analytics.report_recipients", "rep")
    db.session.commit()
    assert issue_last_month(db.session, today=date(2026, 5, 1)) is None
