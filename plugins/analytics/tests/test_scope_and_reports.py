"""Who sees what: every figure is limited to the reader's scope, and a shared report never widens it."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import pytest

from plugins.analytics.services.catalogue import find_dataset
from plugins.analytics.services.changes import changes_for
from plugins.analytics.services.pivot import PivotSpec, run
from plugins.analytics.services.reports import ReportError, save_report


@pytest.fixture
def sales(db, team, shop):
    """rep sold 100, rep2 (same team) 200, rep3 (another team) 400."""
    for who, amount in (("rep", "100"), ("other", "200"), ("outsider", "400")):
        customer = shop.customer(team[who])
        shop.order(customer, team[who], datetime(2026, 5, 1, 4), [("CRM", "software", amount)])
    db.session.commit()


def total_for(user) -> Decimal:
    dataset = find_dataset("pipeline.order_lines", user)
    return run(PivotSpec("pipeline.order_lines", measure="revenue", aggregate="sum"), dataset, user).total


def test_each_role_sees_its_own_scope(app, team, sales):
    assert total_for(team["rep"]) == Decimal("100.00")
    assert total_for(team["supervisor"]) == Decimal("300.00")
    assert total_for(team["manager"]) == Decimal("700.00")


def test_a_report_shared_by_the_manager_shows_a_representative_only_their_own_rows(app, db, team, sales, login_as):
    from core.identity.models import Role

    role = db.session.scalar(db.select(Role).where(Role.code == "sales_rep"))
    report = save_report(db.session, team["manager"], "全部销售额",
                         PivotSpec("pipeline.order_lines", rows=("category",), measure="revenue", aggregate="sum"),
                         "bar", role.id)
    db.session.commit()
    page = login_as(team["rep"]).get(f"/analytics/reports/{report.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "100.00" in html and "700.00" not in html and "400.00" not in html


def test_a_private_report_is_a_404_for_others(app, db, team, sales, login_as):
    report = save_report(db.session, team["rep"], "mine", PivotSpec("pipeline.order_lines", aggregate="count"))
    db.session.commit()
    assert login_as(team["other"]).get(f"/analytics/reports/{report.id}").status_code == 404
    assert login_as(team["other"]).post(f"/analytics/reports/{report.id}/delete").status_code == 404


def test_a_representative_may_not_share(app, db, team, english):
    from core.identity.models import Role

    role = db.session.scalar(db.select(Role).where(Role.code == "sales_rep"))
    with pytest.raises(ReportError, match="share"):
        save_report(db.session, team["rep"], "x", PivotSpec("pipeline.order_lines", aggregate="count"), "bar",
                    role.id)


def test_a_report_whose_module_is_off_says_so(app, db, team, sales, login_as, disable_plugin):
    report = save_report(db.session, team["manager"], "渠道", PivotSpec("pipeline.order_lines", aggregate="count"))
    db.session.commit()
    disable_plugin("pipeline")
    page = login_as(team["manager"]).get(f"/analytics/reports/{report.id}")
    assert page.status_code == 200
    assert "没有已启用的模块" in page.get_data(as_text=True) or "module" in page.get_data(as_text=True)
    listing = login_as(team["manager"]).get("/analytics/reports")
    assert listing.status_code == 200


def test_saving_from_the_explorer_and_renaming_with_a_stale_version(app, db, team, sales, login_as):
    from plugins.analytics.models import SavedReport

    client = login_as(team["manager"])
    answer = client.post("/analytics/explore?dataset=pipeline.order_lines&row1=category&aggregate=sum"
                         "&measure=revenue", data={"name": "品类销售额"})
    assert answer.status_code == 302
    report = db.session.scalar(db.select(SavedReport))
    assert json.loads(report.spec)["rows"] == ["category"]
    stale = client.post(f"/analytics/reports/{report.id}/rename", data={"name": "新名字", "version": "0"},
                        follow_redirects=True)
    assert "新名字" not in stale.get_data(as_text=True).split("<h1>")[1].split("</h1>")[0]
    db.session.refresh(report)
    assert report.name == "品类销售额"
    ok = client.post(f"/analytics/reports/{report.id}/rename", data={"name": "新名字", "version": str(report.version)})
    assert ok.status_code == 302
    db.session.refresh(report)
    assert report.name == "新名字"


def test_saving_without_a_name_keeps_nothing_and_says_why(app, db, team, login_as):
    from plugins.analytics.models import SavedReport

    answer = login_as(team["manager"]).post("/analytics/explore?dataset=pipeline.order_lines&aggregate=count",
                                            data={"name": "  "})
    assert answer.status_code == 422
    assert "请为报表命名" in answer.get_data(as_text=True) or "name" in answer.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(SavedReport.id))) == 0


def _figures(dataset, user):
    """Every service of analytics that returns figures of a data set, called as ``user``."""
    from datetime import date

    from plugins.analytics.services import sales as figures

    start, end = date(2026, 1, 1), date(2027, 1, 1)
    return {
        "trend": lambda: figures.trend(dataset, user, 2026),
        "revenue_by": lambda: figures.revenue_by(dataset, user, "channel", start, end),
        "revenue_by_shop": lambda: figures.revenue_by_shop(dataset, user, start, end),
        "representatives": lambda: figures.representatives(dataset, user, start, end),
        "pareto": lambda: figures.pareto(dataset, user, "product", start, end),
        "customer_behaviour": lambda: figures.customer_behaviour(dataset, user, start, end),
        "cohorts": lambda: figures.cohorts(dataset, user),
        "rfm_segments": lambda: figures.rfm_segments(dataset, user),
        "segment_customers": lambda: figures.segment_customers(dataset, user, "new", 1),
        "pivot": lambda: run(PivotSpec("pipeline.order_lines", measure="revenue", aggregate="sum"), dataset, user),
        "pivot live": lambda: run(PivotSpec("pipeline.order_lines", aggregate="count"), dataset, user, live=True),
    }


@pytest.mark.parametrize("summary_built", [False, True])
def test_the_services_refuse_a_reader_without_permission_whoever_calls_them(app, db, team, sales, make_user,
                                                                            summary_built):
    """An API, CLI or plugin caller that got hold of the data set cannot read it as someone without the permission:
    HR may see analytics but not orders; a person with no role may see neither."""
    from plugins.analytics.services.access import AccessDenied
    from plugins.analytics.services.summary import rebuild

    dataset = find_dataset("pipeline.order_lines", team["manager"])
    hr = make_user("hr1", roles=["hr"])
    nobody = make_user("nobody", roles=[])
    with app.test_request_context():
        if summary_built:
            rebuild(db.session)
        for user in (hr, nobody):
            for name, call in _figures(dataset, user).items():
                with pytest.raises(AccessDenied):
                    call()
                    pytest.fail(f"{name} answered {user.login}")
        # Notable changes need analytics only: HR reads theirs, a person without a role is refused.
        assert changes_for(hr) == []
        with pytest.raises(AccessDenied):
            changes_for(nobody)


def test_the_services_apply_the_callers_scope_not_the_scope_of_whoever_found_the_data_set(app, db, team, sales):
    from datetime import date

    from plugins.analytics.services import sales as figures
    from plugins.analytics.services.summary import rebuild

    dataset = find_dataset("pipeline.order_lines", team["manager"])  # found by the manager, used by a representative
    start, end = date(2026, 1, 1), date(2027, 1, 1)
    with app.test_request_context():
        for built in (False, True):
            if built:
                rebuild(db.session)
            assert [r.revenue for r in figures.representatives(dataset, team["rep"], start, end)] == [Decimal("100.00")]
            assert figures.customer_behaviour(dataset, team["rep"], start, end).revenue == Decimal("100.00")
            assert sum(v for _c, v in figures.revenue_by(dataset, team["supervisor"], "channel", start, end)) == \
                Decimal("300.00")
