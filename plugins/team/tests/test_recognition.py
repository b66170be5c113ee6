"""Recognition (R8.1.3, R10): kudos, awards suggested from a KPI at the month's end, confirmed by a manager
(two managers at once: exactly one wins), awards on the person's profile, the leaderboard."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from core.notifications.models import Notification
from core.timeutil import local_midnight_utc, local_today
from plugins.team.models import Award, Kudos
from plugins.team.services import TeamError, recognition


def kudos_last_month(db, people, counts):
    period = recognition.previous_month(local_today())
    at = local_midnight_utc(period.start) + timedelta(days=1)
    for who, n in counts.items():
        for _ in range(n):
            db.session.add(Kudos(from_id=people["hr"].id, to_id=people[who].id, reason="谢谢", created_at=at))
    db.session.commit()
    return period


def test_kudos_from_anyone_to_anyone_but_oneself(app, db, people, login_as):
    client = login_as(people["clerk"], on=app.test_client())
    answer = client.post("/team/recognition/kudos", data={"to_id": str(people["clerk"].id), "reason": "我自己"})
    assert answer.status_code == 422 and "不能给自己点赞" in answer.get_data(as_text=True)
    answer = client.post("/team/recognition/kudos", data={"to_id": str(people["rep"].id), "reason": "帮我查了订单"})
    assert answer.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Kudos)) == 1
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.recipient_id == people["rep"].id)) == 1


def test_awards_are_suggested_from_the_kpi_once(app, db, people):
    period = kudos_last_month(db, people, {"rep": 3, "rep2": 1})
    recognition.define_award(db.session, name="服务之星", kpi_key="team.kudos_received", winners=1)
    recognition.define_award(db.session, name="人气王", kpi_key="team.kudos_received", winners=2,
                             min_value=Decimal("5"))
    made = recognition.suggest(db.session, period)
    db.session.commit()
    assert [(a.user_id, a.kpi_value, a.rank) for a in made] == [(people["rep"].id, Decimal("3.00"), 1)]
    assert recognition.suggest(db.session, period) == []  # the month is done: nothing twice
    # The manager who confirms is told that suggestions wait.
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.recipient_id == people["manager"].id)) == 1


def test_nobody_is_suggested_for_having_achieved_nothing(app, db, people):
    """A month without any kudos: "the most kudos" is no one's, not the first of the people at zero."""
    period = kudos_last_month(db, people, {})
    recognition.define_award(db.session, name="服务之星", kpi_key="team.kudos_received", winners=2)
    assert recognition.suggest(db.session, period) == []
    assert db.session.scalar(select(func.count()).select_from(Award)) == 0


def test_a_manager_confirms_and_the_award_shows_on_the_profile(app, db, people, login_as):
    period = kudos_last_month(db, people, {"rep2": 2})
    recognition.define_award(db.session, name="服务之星", kpi_key="team.kudos_received")
    award = recognition.suggest(db.session, period)[0]
    db.session.commit()
    rep = login_as(people["rep"], on=app.test_client())
    assert rep.post(f"/team/awards/{award.id}/decide", data={"decision": "confirm"}).status_code == 403
    manager = login_as(people["manager"], on=app.test_client())
    assert manager.post(f"/team/awards/{award.id}/decide", data={"decision": "confirm"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Award, award.id).state == "confirmed"
    profile = login_as(people["rep2"], on=app.test_client()).get("/profile").get_data(as_text=True)
    assert "服务之星" in profile
    # Deciding again is refused with a message, not an error.
    answer = manager.post(f"/team/awards/{award.id}/decide", data={"decision": "reject"}, follow_redirects=True)
    assert answer.status_code == 200 and "其他人刚刚已对这个奖项做出决定" in answer.get_data(as_text=True)


def test_two_managers_confirming_at_once_one_wins(app, db, people, make_user, make_app):
    """Two app instances (two connection pools, as two processes), both read the suggestion, then both decide:
    the conditional UPDATE lets exactly one through. On PostgreSQL the second waits on the first's row lock."""
    from core.extensions import db as database

    other = make_user("mgr2", name="陈经理", roles=["sales_manager"], position="sales_manager")
    period = kudos_last_month(db, people, {"rep": 1})
    recognition.define_award(db.session, name="服务之星", kpi_key="team.kudos_received")
    award_id = recognition.suggest(db.session, period)[0].id
    db.session.commit()
    managers = [people["manager"].id, other.id]
    apps = [make_app(), make_app()]
    both_read = threading.Barrier(2, timeout=30)
    outcome: list[str] = ["", ""]

    def decide(index: int) -> None:
        from core.identity.models import User

        with apps[index].app_context():
            award = database.session.get(Award, award_id)
            user = database.session.get(User, managers[index])
            assert award.state == "suggested"
            both_read.wait()
            try:
                recognition.decide(database.session, award, user, confirm=index == 0)
                database.session.commit()
                outcome[index] = "won"
            except TeamError:
                database.session.rollback()
                outcome[index] = "told"
            finally:
                database.session.remove()

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcome) == ["told", "won"]
    db.session.expire_all()
    award = db.session.get(Award, award_id)
    winner = outcome.index("won")
    assert award.state == ("confirmed" if winner == 0 else "rejected")
    assert award.decided_by_id == managers[winner]


def test_the_leaderboard_ranks_the_team_by_a_kpi(app, db, people, login_as):
    period = kudos_last_month(db, people, {"rep": 1, "rep2": 4})
    month = f"{period.start.year:04d}-{period.start.month:02d}"
    page = login_as(people["supervisor"], on=app.test_client()).get(
        f"/team/recognition?kpi=team.kudos_received&month={month}&scope=team").get_data(as_text=True)
    board = page.split('class="list team-kpis"')[1].split("</table>")[0]
    assert board.index(people["rep2"].name) < board.index(people["rep"].name)
    assert people["clerk"].name not in board
    # A bad month or KPI falls back instead of failing.
    assert login_as(people["rep"], on=app.test_client()).get(
        "/team/recognition?kpi=x&month=2026-99").status_code == 200
