"""Each demo role's dashboard (issue 12): the demo company loaded once for this module, every showcase login opens
the dashboard in Chinese. Those who lead sales see their team's charts first and no empty personal sales widget;
representatives see their own work; the department head and finance find what waits for them first and no sales
widget they cannot act on; HR sees no sales widget either."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from core.testing.demo import demo_company as load_demo_company

TEAM_CHARTS = ["pipeline-team_stages", "pipeline-forecast", "pipeline-revenue", "pipeline-team_overdue"]
PERSONAL_SALES = ["pipeline-target", "pipeline-stages", "pipeline-overdue", "crm-overdue", "crm-next_steps",
                  "crm-grades"]


@pytest.fixture(scope="module")
def demo_company(shared_app: Flask) -> Iterator[Flask]:
    """The shared app with the demo company in its database, once for this module; the baseline comes back after."""
    with load_demo_company(shared_app, 20261204, locale="zh_Hans") as app:
        yield app


def dashboard(app: Flask, login: str) -> str:
    from core.auth.sessions import new_session_identity
    from core.extensions import db
    from core.identity.models import User

    client = app.test_client()
    with app.app_context():
        identity = new_session_identity(db.session.scalar(select(User).where(User.login == login)))
        db.session.commit()
        db.session.remove()
    with client.session_transaction() as session:
        session["_user_id"] = identity
        session["_fresh"] = True
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def widgets(html: str) -> list[str]:
    return re.findall(r'<section class="card widget" id="widget-([\w-]+)"', html)


def broken(html: str) -> bool:
    return 'class="widget-error"' in html


@pytest.mark.parametrize("login", ["manager", "supervisor1"])
def test_sales_leaders_see_their_teams_charts_first(demo_company: Flask, login: str) -> None:
    html = dashboard(demo_company, login)
    shown = widgets(html)
    assert shown[:4] == TEAM_CHARTS and "crm-team_grades" in shown
    assert not set(PERSONAL_SALES) & set(shown)
    assert "您没有进行中的商机" not in html and not broken(html)
    charts = re.findall(r"<canvas data-chart-spec=", html)
    tables = re.findall(r'<table class="list chart-table"', html)
    assert len(charts) == len(tables) >= 4  # every chart with its table (the overdue one may have nothing to draw)
    assert ("全部销售代表" if login == "manager" else "您及您的下属") in html


def test_a_representative_sees_their_own_work(demo_company: Flask) -> None:
    html = dashboard(demo_company, "rep1")
    shown = widgets(html)
    assert shown[:5] == ["pipeline-target", "pipeline-stages", "pipeline-overdue", "pipeline-forecast",
                         "pipeline-revenue"]
    assert "pipeline-team_stages" not in shown and "pipeline-team_overdue" not in shown
    assert "您自己的商机和订单" in html  # the charts are of their own figures
    assert "expenses-waiting" not in shown and not broken(html)


@pytest.mark.parametrize("login", ["head", "finance"])
def test_the_head_and_finance_find_what_waits_for_them_first(demo_company: Flask, login: str) -> None:
    html = dashboard(demo_company, login)
    shown = widgets(html)
    assert shown[0] == "expenses-waiting"
    assert not [key for key in shown if key.startswith(("pipeline-", "crm-"))] and not broken(html)


def test_hr_sees_no_sales_widget(demo_company: Flask) -> None:
    shown = widgets(dashboard(demo_company, "hr"))
    assert shown and not [key for key in shown if key.startswith(("pipeline-", "crm-"))]
