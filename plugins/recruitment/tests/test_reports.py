"""Recruitment figures: the funnel per stage and channel, cost per hire, acceptance, the R3.1.4 compliance figure;
the board and the funnel run a fixed number of statements whatever the number of applications."""

from __future__ import annotations

from decimal import Decimal

from core.timeutil import local_today
from plugins.recruitment.services import offers, postings, reports, stages
from plugins.recruitment.services.screening import screen


def test_funnel_per_channel(db, people, make_application):
    a = make_application(channel="campus")
    b = make_application(channel="campus")
    make_application(channel="referral")
    screen(db.session, a, people["hr"], "pass", {})
    stages.reject(db.session, b, people["hr"], "no", notify=False)
    db.session.commit()
    table = reports.funnel(db.session, people["hr"])
    assert table["campus"]["applied"] == 2 and table["campus"]["test"] == 1 and table["campus"]["interview"] == 0
    assert table["referral"]["applied"] == 1 and table["total"]["applied"] == 3


def test_cost_per_hire_acceptance_and_compliance(db, people, make_application):
    from plugins.recruitment.compliance import hires_checked_before_offer
    from plugins.recruitment.tests.test_stages import complete_check, offer_accepted, to_background

    postings.record_cost(db.session, people["hr"], "job_site", Decimal("3000"), local_today())
    application = make_application(channel="job_site")
    to_background(db, application, people)
    complete_check(db, application, people["hr"])
    offer_accepted(db, application, people)
    offers.hire(db.session, application, people["hr"], "newbie")
    db.session.commit()
    cost = reports.cost_per_hire(db.session, people["hr"])
    assert cost["job_site"] == {"cost": Decimal("3000"), "hires": 1, "per_hire": Decimal("3000.00")}
    assert reports.offer_acceptance(db.session, people["hr"]) == (1, 1, Decimal("1"))
    result = hires_checked_before_offer()
    assert result.ratio == Decimal("1") and result.ok
    stage_days = reports.time_in_stage(db.session, people["hr"])
    assert set(stage_days) >= {"screening", "test", "interview", "background", "offer"}


def test_board_and_funnel_statements_do_not_grow(db, people, requisition, login_as, count_queries,
                                                make_application):
    for _ in range(3):
        make_application()
    hr = login_as(people["hr"])
    board_url = f"/recruitment/requisitions/{requisition.id}/board"  # read outside the counted blocks
    hr.get(board_url)  # per-process caches (menu, grants) warm up
    hr.get("/recruitment/reports")
    with count_queries() as few_board:
        assert hr.get(board_url).status_code == 200
    with count_queries() as few_report:
        assert hr.get("/recruitment/reports").status_code == 200
    for n in range(40):
        app = make_application(channel=("campus", "job_site", "referral")[n % 3])
        if n % 2:
            screen(db.session, app, people["hr"], "pass", {})
    db.session.commit()
    with count_queries() as many_board:
        assert hr.get(board_url).status_code == 200
    with count_queries() as many_report:
        assert hr.get("/recruitment/reports").status_code == 200
    assert len(many_board) == len(few_board)
    assert len(many_report) == len(few_report)


def test_applications_list_statements_do_not_grow(db, people, login_as, count_queries, make_application):
    make_application()
    hr = login_as(people["hr"])
    hr.get("/recruitment/candidates")  # per-process caches warm up
    with count_queries() as few:
        assert hr.get("/recruitment/candidates").status_code == 200
    for _ in range(20):
        make_application()
    with count_queries() as many:
        assert hr.get("/recruitment/candidates").status_code == 200
    assert len(many) == len(few)
