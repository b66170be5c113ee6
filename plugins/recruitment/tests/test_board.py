"""The requisition board (issue 18 made it cheaper per card): each card as it was drawn (link, escaped name, the
channel's label, the day, the on-hold badge), newest first and capped per stage, and who may open it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import url_for
from flask_babel import force_locale
from markupsafe import escape
from sqlalchemy import update

from core.timeutil import utcnow
from core.web.locale import date_filter
from plugins.recruitment.models import STAGES, Application
from plugins.recruitment.services import reports

HOSTILE = "<script>alert(\"x\")</script> & 'O'Brien' {{ 7*7 }}"


def card_html(app, application_id, name, label, entered, on_hold=False, locale="en"):
    """A card exactly as the board drew it before issue 18: url_for per card, the lazy label, |date."""
    with app.test_request_context(), force_locale(locale):
        href, day = url_for("recruitment.application", application_id=application_id), date_filter(entered)
    badge = '<span class="badge warn">on hold</span>' if on_hold else ""
    return (f'      <li class="board-card">\n        <a href="{escape(href)}">{escape(name)}</a>\n'
            f'        <span class="muted">{label} · {escape(day)}</span>\n        {badge}\n      </li>')


def test_cards_are_drawn_newest_first_with_their_link_label_day_and_badge(app, db, people, requisition,
                                                                          login_as, make_application):
    now = utcnow().replace(microsecond=0)
    plain = make_application(name="王芳", channel="referral")
    hostile = make_application(name=HOSTILE, channel="campus")
    odd = make_application(name="李雷", channel="campus")
    for application, hours in ((plain, 30), (hostile, 5), (odd, 400)):
        db.session.execute(update(Application).where(Application.id == application.id)
                           .values(stage_entered_at=now - timedelta(hours=hours)))
    db.session.execute(update(Application).where(Application.id == hostile.id).values(on_hold=True))
    db.session.execute(update(Application).where(Application.id == odd.id).values(channel="legacy"))
    people["hr"].locale = "en"
    db.session.commit()
    page = login_as(people["hr"]).get(f"/recruitment/requisitions/{requisition.id}/board").get_data(as_text=True)
    expected = [card_html(app, hostile.id, HOSTILE, "Campus recruiting", now - timedelta(hours=5), on_hold=True),
                card_html(app, plain.id, "王芳", "Referral", now - timedelta(hours=30)),
                # a channel without a label draws nothing, as a missing key of rlabels.channel did
                card_html(app, odd.id, "李雷", "", now - timedelta(hours=400))]
    for card in expected:
        assert card in page, card
    assert [page.index(card) for card in expected] == sorted(page.index(card) for card in expected)
    assert "<script>alert" not in page and "{{ 7*7 }}" in page  # escaped, never evaluated


def test_cards_in_chinese(app, db, people, requisition, login_as, make_application):
    application = make_application(name="王芳", channel="referral")
    people["hr"].locale = "zh_Hans"
    db.session.commit()
    page = login_as(people["hr"]).get(f"/recruitment/requisitions/{requisition.id}/board").get_data(as_text=True)
    with app.test_request_context(), force_locale("zh_Hans"):
        from plugins.recruitment.labels import CHANNEL_LABELS

        label = str(CHANNEL_LABELS["referral"])
    assert label != "Referral"
    assert card_html(app, application.id, "王芳", label, application.stage_entered_at, locale="zh_Hans") in page


def test_each_stage_shows_its_newest_cards_and_how_many_more(db, people, requisition, login_as, make_application,
                                                             monkeypatch):
    monkeypatch.setattr(reports, "BOARD_CARDS", 2)
    now = utcnow()
    made = [make_application(name=f"候选{n}") for n in range(3)]
    for n, application in enumerate(made):
        db.session.execute(update(Application).where(Application.id == application.id)
                           .values(stage_entered_at=now - timedelta(hours=n)))
    people["hr"].locale = "en"
    db.session.commit()
    page = login_as(people["hr"]).get(f"/recruitment/requisitions/{requisition.id}/board").get_data(as_text=True)
    assert page.index(">候选0</a>") < page.index(">候选1</a>") and ">候选2</a>" not in page
    assert ">1 more</a>" in page


def test_who_may_open_the_board(db, people, requisition, login_as, make_application, count_queries):
    make_application()
    url = f"/recruitment/requisitions/{requisition.id}/board"
    assert login_as(people["head"]).get(url).status_code == 200  # raised it (team scope)
    assert login_as(people["supervisor"]).get(url).status_code == 404  # another's plan (own scope): not told
    assert login_as(people["rep"]).get(url).status_code == 403
    hr = login_as(people["hr"])
    hr.get(url)
    with count_queries() as statements:
        assert hr.get(url).status_code == 200
    # the plan is read bare: its requirements and its requester's roles are not drawn on the board
    assert not any("recruitment_requirement" in s or "core_grant" in s for s in statements), statements


def previous_board(db, requisition, user):
    """The cards as the window drew them before issue 18 made them a read per (stage, status): row_number() over
    every active and hired application of the plan, per stage, newest in the stage first and the id breaking ties."""
    from sqlalchemy import func, select

    from core.security import scoped
    from plugins.recruitment.models import Candidate

    rank = func.row_number().over(partition_by=Application.stage,
                                  order_by=(Application.stage_entered_at.desc(), Application.id.desc())).label("rank")
    inner = scoped(select(Application.id, Application.stage, Application.on_hold, Application.channel,
                          Application.stage_entered_at, Application.referrer_id, Candidate.name, rank)
                   .join(Candidate, Candidate.id == Application.candidate_id), Application,
                   "recruitment.application.view", user).where(
        Application.requisition_id == requisition.id, Application.status.in_(("active", "hired"))).subquery()
    cards = {}
    for row in db.session.execute(select(inner).where(inner.c.rank <= reports.BOARD_CARDS)
                                  .order_by(inner.c.stage, inner.c.rank)):
        cards.setdefault(row.stage, []).append(tuple(row)[:-1])
    return cards


def previous_counts(db, requisition, user):
    """Active and hired applications per stage as core.security.scoped counted them at every request."""
    from sqlalchemy import func, select

    from core.security import scoped

    counted = scoped(select(Application.stage, func.count()), Application, "recruitment.application.view",
                     user).where(Application.requisition_id == requisition.id,
                                 Application.status.in_(reports.ON_BOARD)).group_by(Application.stage)
    return {**dict.fromkeys(STAGES, 0), **dict(db.session.execute(counted).all())}


@pytest.fixture
def crowded_board(db, people, requisition, make_application, monkeypatch):
    """Three cards a column, and in every stage more active and hired applications than that, on few distinct
    moments (ties across the statuses), with rejected and withdrawn ones, owned inside and outside the head's
    team, and another plan's applications."""
    from plugins.recruitment.models import Requisition

    monkeypatch.setattr(reports, "BOARD_CARDS", 3)
    other = Requisition(title="直播运营", position="sales_rep", headcount=3, reason="growth", state="approved",
                        requested_by_id=people["head"].id, approved_at=utcnow())
    db.session.add(other)
    db.session.commit()
    now = utcnow().replace(microsecond=0)
    owners = (people["head"].id, people["supervisor"].id, people["hr"].id, people["rep"].id)
    statuses = ("active", "hired", "active", "rejected", "hired", "withdrawn", "active")
    for n in range(84):
        application = make_application(name=f"候选{n}", req=other if n % 11 == 0 else requisition)
        db.session.execute(update(Application).where(Application.id == application.id).values(
            stage=reports.STAGES[n % 6], status=statuses[n % 7], owner_id=owners[n % 4],
            stage_entered_at=now - timedelta(hours=(n * 7) % 3), on_hold=n % 5 == 0))
    db.session.commit()
    return requisition


def test_each_column_is_the_newest_cards_of_both_statuses_in_order(db, people, crowded_board):
    """Per stage the newest BOARD_CARDS active or hired applications, newest in the stage first, the higher id
    first on the same moment, whichever status each has: what the window gave, for every scope."""
    from sqlalchemy import select

    rows = db.session.execute(select(Application.id, Application.stage, Application.status,
                                     Application.stage_entered_at)
                              .where(Application.requisition_id == crowded_board.id)).all()
    drawn = reports.board(db.session, crowded_board, people["hr"])
    for stage in reports.STAGES:
        mine = [r for r in rows if r.stage == stage and r.status in ("active", "hired")]
        newest = sorted(mine, key=lambda r: (r.stage_entered_at, r.id), reverse=True)[:3]
        assert [card.id for card in drawn.cards[stage]] == [r.id for r in newest], stage
        assert drawn.counts[stage] == len(mine)
        assert len(mine) > 3 and len({r.stage_entered_at for r in mine}) < len(mine)  # more than fit; ties
    assert any({r.status for r in rows if r.id in {c.id for c in drawn.cards[s]}} == {"active", "hired"}
               for s in reports.STAGES)  # a column mixing both statuses
    for who in ("hr", "head", "supervisor", "rep"):
        board = reports.board(db.session, crowded_board, people[who])
        cards = {stage: [tuple(card) for card in column] for stage, column in board.cards.items() if column}
        assert cards == previous_board(db, crowded_board, people[who]), who


def test_a_scoped_reader_sees_only_the_cards_and_counts_of_their_scope(db, people, crowded_board):
    """Own scope: their applications only; team scope: their team's (not HR's); no grant: nothing. The counts
    follow the same scope."""
    from sqlalchemy import select

    owners = dict(db.session.execute(select(Application.id, Application.owner_id)
                                     .where(Application.requisition_id == crowded_board.id)).all())
    team = {people["head"].id, people["supervisor"].id, people["rep"].id}
    for who, reach in (("supervisor", {people["supervisor"].id}), ("head", team), ("rep", set())):
        board = reports.board(db.session, crowded_board, people[who])
        shown = [card.id for column in board.cards.values() for card in column]
        assert {owners[i] for i in shown} <= reach, who
        assert bool(shown) == bool(reach), who
        everyone = reports.board(db.session, crowded_board, people["hr"])
        assert sum(board.counts.values()) < sum(everyone.counts.values()), who


def test_the_board_runs_the_same_statements_as_the_plan_grows(db, people, requisition, login_as, count_queries,
                                                              make_application, monkeypatch):
    """The counts and the cards are one statement each for a team reader and for HR, with one application or with
    more than a column holds in every stage and status."""
    monkeypatch.setattr(reports, "BOARD_CARDS", 2)
    make_application()
    url = f"/recruitment/requisitions/{requisition.id}/board"
    readers = {who: login_as(people[who]) for who in ("hr", "head")}
    few = {}
    for who, browser in readers.items():
        browser.get(url)  # per-process caches (menu, grants) warm up
        with count_queries() as statements:
            assert browser.get(url).status_code == 200
        few[who] = statements
    for n in range(36):
        application = make_application(name=f"候选{n}")
        db.session.execute(update(Application).where(Application.id == application.id).values(
            stage=reports.STAGES[n % 6], status=("active", "hired", "rejected")[n % 3]))
    db.session.commit()
    for who, browser in readers.items():
        with count_queries() as statements:
            page = browser.get(url).get_data(as_text=True)
        assert len(statements) == len(few[who]), who
        assert len([s for s in statements if "recruitment_application" in s]) == 2, statements
        assert page.count('class="board-card"') > 6, who


def test_sqlite_reads_each_column_backwards_through_the_board_index(db, people, requisition, make_application):
    """Without statistics SQLite reads each (stage, status) through ix_recruitment_application_board in the cards'
    order (no sort), and the candidates by their key."""
    from sqlalchemy import event

    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans by its statistics")
    make_application()
    ran = []

    def record(conn, cursor, statement, parameters, *args):
        ran.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        reports.board(db.session, requisition, people["head"])
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    ((cards, parameters),) = [(s, p) for s, p in ran if "recruitment_candidate" in s]
    plan = [row[-1] for row in db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {cards}", parameters)]
    searches = [step for step in plan if "recruitment_application" in step]
    assert len(searches) == 12 and all("INDEX ix_recruitment_application_board (requisition_id=? AND status=? AND "
                                       "stage=?)" in step for step in searches), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


def test_readers_of_one_scope_each_see_their_own(db, people, crowded_board, make_user):
    """The statements are built once per scope (their user's id or team bound at each call): two readers of the
    same scope, one after the other, each get what core.security.scoped gives them; an administrator reads as HR,
    and a reader without the grant, or signed out, reads nothing (both statements still run)."""
    from flask_login import AnonymousUserMixin
    from sqlalchemy import select

    head2 = make_user("head2", roles=["department_head"], position="department_head")
    sup2 = make_user("sup2", roles=["sales_supervisor"], position="sales_supervisor", superior_id=head2.id)
    admin = make_user("root", roles=["admin"])
    ids = list(db.session.scalars(select(Application.id).where(Application.requisition_id == crowded_board.id)
                                  .order_by(Application.id)))
    for application_id in ids[::3]:
        db.session.execute(update(Application).where(Application.id == application_id).values(
            owner_id=(head2.id, sup2.id)[application_id % 2]))
    db.session.commit()
    readers = ("supervisor", sup2, "head", head2, "hr", admin, "supervisor", head2, "rep")
    for who in readers:
        user = people[who] if isinstance(who, str) else who
        board = reports.board(db.session, crowded_board, user)
        cards = {stage: [tuple(card) for card in column] for stage, column in board.cards.items() if column}
        assert cards == previous_board(db, crowded_board, user), user.login
        assert board.counts == previous_counts(db, crowded_board, user), user.login
        assert bool(cards) == (who != "rep"), user.login
    for user in (people["rep"], AnonymousUserMixin()):
        board = reports.board(db.session, crowded_board, user)
        assert not any(board.cards.values()) and not any(board.counts.values())
        assert board.counts == previous_counts(db, crowded_board, user)


def test_a_large_teams_board(db, people, crowded_board):
    """A reader whose team is thousands strong: the team's ids are bound once for the twelve (stage, status)
    branches, not once per branch (12 x 3,000 would pass SQLite's 32,766 parameters), and the board is the
    team's."""
    import sqlite3

    from sqlalchemy import insert

    from core.identity.models import User

    db.session.execute(insert(User), [
        {"login": f"team{n}", "name": f"组员{n}", "session_token": f"team{n}", "active": True,
         "position": "sales_rep", "superior_id": people["head"].id} for n in range(3000)])
    db.session.commit()
    raw = db.session.connection().connection.dbapi_connection
    if db.engine.dialect.name == "sqlite":  # SQLite's own default (Debian builds it with 250,000)
        kept_limit = raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32766)
    try:
        board = reports.board(db.session, crowded_board, people["head"])
    finally:
        if db.engine.dialect.name == "sqlite":
            raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, kept_limit)
    cards = {stage: [tuple(card) for card in column] for stage, column in board.cards.items() if column}
    assert cards and cards == previous_board(db, crowded_board, people["head"])
    assert board.counts == previous_counts(db, crowded_board, people["head"])
