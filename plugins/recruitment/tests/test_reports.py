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


def previous_funnel(db, user, requisition_id=None):
    """The funnel as it was summed in SQL: five CASE sums per channel (issue 18 compares the new one with it)."""
    from sqlalchemy import case, func, select

    from core.security import scoped
    from plugins.recruitment.models import CHANNELS, STAGES, Application

    steps = [func.count(Application.id).label("applied")]
    for step in reports.FUNNEL[1:]:
        steps.append(func.coalesce(func.sum(case((Application.furthest >= STAGES.index(step), 1), else_=0)), 0)
                     .label(step))
    stmt = scoped(select(Application.channel, *steps), Application, "recruitment.application.view", user)
    if requisition_id:
        stmt = stmt.where(Application.requisition_id == requisition_id)
    table, total = {}, dict.fromkeys(reports.FUNNEL, 0)
    for row in db.session.execute(stmt.group_by(Application.channel)):
        table[row.channel] = {step: int(getattr(row, step) or 0) for step in reports.FUNNEL}
        for step in reports.FUNNEL:
            total[step] += table[row.channel][step]
    return {**{c: table[c] for c in CHANNELS if c in table}, "total": total}


def test_the_funnel_counts_what_the_sums_per_channel_counted(db, people, requisition, make_application):
    """Counted per channel and furthest stage, summed in Python: the same table for each scope (all, team, own,
    none) and for one requisition, a channel the list does not know counted in the total only, as before."""
    from sqlalchemy import update

    from core.timeutil import utcnow
    from plugins.recruitment.models import Application, Requisition

    theirs = Requisition(title="直播运营", position="sales_rep", headcount=3, reason="growth", state="approved",
                         requested_by_id=people["supervisor"].id, approved_at=utcnow())
    db.session.add(theirs)
    db.session.commit()
    made = [make_application(channel=("campus", "job_site", "referral", "agency")[n % 4],
                             req=theirs if n % 3 == 0 else requisition) for n in range(24)]
    for n, application in enumerate(made):  # every furthest stage, in every channel
        application.furthest = n % 6
    db.session.commit()
    db.session.execute(update(Application).where(Application.id == made[5].id).values(channel="legacy"))
    db.session.commit()
    for who in ("hr", "head", "supervisor", "rep"):
        for requisition_id in (None, requisition.id, theirs.id):
            expected = previous_funnel(db, people[who], requisition_id)
            assert reports.funnel(db.session, people[who], requisition_id) == expected, (who, requisition_id)
    table = reports.funnel(db.session, people["hr"])
    assert "legacy" not in table and table["total"]["applied"] == 24 and table["total"]["hired"] == 4


def test_sqlite_counts_the_funnel_from_its_index_alone(db, people, make_application, count_queries):
    """Without statistics SQLite must still read the (channel, furthest) index, not every application's row."""
    import pytest
    from sqlalchemy import text

    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans by its statistics")
    make_application()
    with count_queries() as statements:
        reports.funnel(db.session, people["hr"])
    (funnel,) = [s for s in statements if "recruitment_application.furthest" in s]
    plan = " | ".join(row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {funnel}")))
    assert "COVERING INDEX ix_recruitment_application_funnel" in plan, plan


def test_time_in_stage_is_what_the_join_with_the_applications_gave(db, people, requisition, make_application):
    """The "all" scope reads the stage changes alone (each has its application): the same averages as the joined
    statement, for each scope."""
    from sqlalchemy import func, select

    from core.security import scoped
    from core.timeutil import utcnow
    from plugins.recruitment.models import Application, Requisition, StageChange

    theirs = Requisition(title="直播运营", position="sales_rep", headcount=3, reason="growth", state="approved",
                         requested_by_id=people["supervisor"].id, approved_at=utcnow())
    db.session.add(theirs)
    db.session.commit()
    for n in range(12):
        application = make_application(req=theirs if n % 3 == 0 else requisition)
        db.session.add_all([StageChange(application_id=application.id, from_stage="screening", to_stage="test",
                                        seconds_in_stage=3600 * (n + 1)),
                            StageChange(application_id=application.id, from_stage="test", to_stage="test",
                                        seconds_in_stage=999999),  # a note, not a move: not counted
                            StageChange(application_id=application.id, from_stage="test", to_stage="interview",
                                        seconds_in_stage=86400 * n)])
    db.session.commit()
    for who in ("hr", "head", "supervisor", "rep"):
        joined = scoped(select(StageChange.from_stage, func.avg(StageChange.seconds_in_stage))
                        .join(Application, Application.id == StageChange.application_id), Application,
                        "recruitment.application.view", people[who]).where(
            StageChange.from_stage.is_not(None), StageChange.from_stage != StageChange.to_stage)
        expected = {stage: (Decimal(str(avg or 0)) / 86400).quantize(Decimal("0.1"))
                    for stage, avg in db.session.execute(joined.group_by(StageChange.from_stage))}
        assert reports.time_in_stage(db.session, people[who]) == expected, who
    assert reports.time_in_stage(db.session, people["hr"]) != reports.time_in_stage(db.session, people["supervisor"])


def previous_figures(db, user):
    """Time in stage, time to fill, hires per channel and offer acceptance as they were read before issue 18 built
    their statements once per scope: core.security.scoped at every call."""
    from sqlalchemy import case, func, select

    from core.security import scope_for, scoped
    from plugins.recruitment.models import Application, Offer, Requisition, StageChange

    view = "recruitment.application.view"
    stage = select(StageChange.from_stage, func.avg(StageChange.seconds_in_stage)).where(
        StageChange.from_stage.is_not(None), StageChange.from_stage != StageChange.to_stage)
    if scope_for(user, view) != "all":
        stage = scoped(stage.join(Application, Application.id == StageChange.application_id), Application, view, user)
    fill = scoped(select(Requisition.approved_at, Requisition.filled_at), Requisition, "recruitment.requisition.view",
                  user).where(Requisition.state == "filled", Requisition.approved_at.is_not(None),
                              Requisition.filled_at.is_not(None))
    hires = scoped(select(Application.channel, func.count(Application.id)), Application, view, user).where(
        Application.status == "hired").group_by(Application.channel)
    offers = scoped(select(func.coalesce(func.sum(case((Offer.state == "accepted", 1), else_=0)), 0),
                           func.count(Offer.id)).join(Application, Application.id == Offer.application_id),
                    Application, view, user).where(Offer.state.in_(("accepted", "declined")))
    return (sorted(db.session.execute(stage.group_by(StageChange.from_stage)).all()),
            sorted(db.session.execute(fill).all()), dict(db.session.execute(hires).all()),
            tuple(db.session.execute(offers).one()))


def test_each_figure_keeps_to_its_readers_scope(db, people, requisition, make_application, make_user):
    """The figures' statements are built once per scope, the reader's id or team bound at each call: each reader
    (HR, two teams, two own scopes, no grant), one after another, gets what core.security.scoped gave them."""
    from datetime import timedelta

    from sqlalchemy import update

    from core.timeutil import utcnow
    from plugins.recruitment.models import Application, Offer, Requisition, StageChange

    head2 = make_user("head2", roles=["department_head"], position="department_head")
    sup2 = make_user("sup2", roles=["sales_supervisor"], position="sales_supervisor", superior_id=head2.id)
    now = utcnow().replace(microsecond=0)
    theirs = Requisition(title="直播运营", position="sales_rep", headcount=3, reason="growth", state="filled",
                         requested_by_id=head2.id, approved_at=now - timedelta(days=30), filled_at=now)
    db.session.add(theirs)
    db.session.execute(update(Requisition).where(Requisition.id == requisition.id).values(
        state="filled", filled_at=requisition.approved_at + timedelta(days=9)))
    owners = (people["head"].id, people["supervisor"].id, people["hr"].id, head2.id, sup2.id)
    for n in range(20):
        application = make_application(channel=("campus", "job_site", "referral")[n % 3])
        db.session.execute(update(Application).where(Application.id == application.id).values(
            owner_id=owners[n % 5], status="hired" if n % 4 == 0 else "active"))
        db.session.add(StageChange(application_id=application.id, from_stage=("screening", "test")[n % 2],
                                   to_stage="interview", seconds_in_stage=3600 * (n + 1)))
        db.session.add(Offer(application_id=application.id, position="sales_rep", salary=8000,
                             start_date=now.date(), created_by_id=people["hr"].id,
                             state=("accepted", "declined", "sent")[n % 3]))
    db.session.commit()
    for who in ("hr", "head", head2, "supervisor", sup2, "rep", "supervisor"):
        user = people[who] if isinstance(who, str) else who
        stage, fill, hires, (accepted, answered) = previous_figures(db, user)
        assert reports.time_in_stage(db.session, user) == {
            code: (Decimal(str(avg or 0)) / 86400).quantize(Decimal("0.1")) for code, avg in stage}, user.login
        days = [(filled - approved).total_seconds() / 86400 for approved, filled in fill]
        assert reports.time_to_fill(db.session, user) == (
            Decimal(str(sum(days) / len(days))).quantize(Decimal("0.1")) if days else None), user.login
        assert {c: row["hires"] for c, row in reports.cost_per_hire(db.session, user).items()} == hires, user.login
        assert reports.offer_acceptance(db.session, user)[:2] == (accepted, answered), user.login
        assert bool(hires) == (who != "rep"), user.login


def test_reports_page_speaks_each_readers_language_in_turn(db, people, login_as, make_application):
    """The page's words and the tabs are kept per locale in the process (core.i18n.FixedWords): one reader
    switching from English to Chinese and back, in one process, gets each language's words every time, the tabs'
    labels, the page's title and the funnel's steps and channels included."""
    make_application(channel="campus")
    hr = login_as(people["hr"])
    words = {"en": ("Hiring plans", "Reports", "Recruitment reports", "Funnel per channel", "Applications",
                    "Screened", "Campus recruiting"),
             "zh_Hans": ("招聘计划", "报表", "招聘报表", "各渠道招聘漏斗", "申请数", "筛选通过", "校园招聘")}
    for locale, other in (("en", "zh_Hans"), ("zh_Hans", "en"), ("en", "zh_Hans")):
        people["hr"].locale = locale
        db.session.commit()
        page = hr.get("/recruitment/reports").get_data(as_text=True)
        for word in words[locale]:
            assert f">{word}<" in page or f'"{word}"' in page, (locale, word)
        for word in words[other]:
            assert f">{word}<" not in page, (locale, word)
