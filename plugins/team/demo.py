"""The demo company's team life: a required notice, a weekly meeting series with two past meetings (minutes
closed, open action items, one overdue) and the next one, shared posts with likes, kudos, awards, an activity,
and a cross-department issue past its deadline (the escalation job picks it up)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from random import Random
from typing import Any

from sqlalchemy import select

from core.identity.models import Department, User
from core.timeutil import local_to_utc, local_today, utcnow
from plugins.team.models import Award, AwardType, Issue, Kudos, PostLike
from plugins.team.services import actions, activities, meetings, notices, posts, recognition
from plugins.team.services.kpi_values import definitions

POSTS = [
    ("客户说“太贵了”怎么办", "tip", "价格异议, 话术",
     "<p>先认同，再拆分价值：把年费折算到每天，对比客户现在人工处理订单的成本。</p>"
     "<ul><li>不要急着降价</li><li>用案例说明回本周期</li></ul>"),
    ("某连锁烘焙品牌 30 家门店上线案例", "case", "案例, 连锁",
     "<p>客户痛点：多平台订单分散、对账慢。</p><p>方案：订单中台 + 扫码枪，两周上线，对账时间从 2 天降到 2 小时。</p>"),
    ("直播声卡选型要点", "product", "产品知识, 直播",
     "<p>主播多于两人时推荐双通道型号；户外直播注意电池续航。</p>"),
]


def _user(session: Any, login: str) -> User | None:
    return session.scalar(select(User).where(User.login == login))


def load(session: Any, rng: Random) -> None:
    manager, supervisor, hr = _user(session, "manager"), _user(session, "supervisor1"), _user(session, "hr")
    if manager is None or supervisor is None:
        return  # not the demo company's people
    team = list(session.scalars(select(User).where(User.superior_id == supervisor.id).order_by(User.id)))
    now, today = utcnow(), local_today()

    # Notice board (R8.2.1): a pinned required notice to everyone, and one to the sales team.
    notices.publish(session, manager, title="本月销售冲刺安排",
                    body="各位同事：\n本月最后两周为冲刺期，每日 17:30 在群里同步当日成交。\n请各小组主管周五前提交下月计划。",
                    audience="all", pinned=True, required=True, expires_on=today + timedelta(days=30))
    notices.publish(session, supervisor, title="周会改到周二上午", body="本周例会改到周二 9:30，地点不变。",
                    audience="team")

    # Sales meetings (R8.2.2): a weekly series, two past meetings with minutes, the next one scheduled.
    kpi_keys = [key for key in ("pipeline.revenue", "pipeline.orders", "crm.new_customers") if key in definitions()]
    series = meetings.create_series(session, supervisor, title="一组周例会", recurrence="weekly",
                                    day=today.weekday(), start_time="09:30", duration_minutes=60,
                                    location="3 楼小会议室", agenda_template="1. 上周进展\n2. 问题与解决方案\n3. 本周重点",
                                    kpi_keys=kpi_keys)
    past = []
    for weeks_ago in (2, 1):
        day = today - timedelta(weeks=weeks_ago)
        starts_at = local_to_utc(datetime.combine(day, time(9, 30)))
        meeting = meetings.create_meeting(session, supervisor, title=series.title, starts_at=starts_at,
                                          duration_minutes=60, location=series.location,
                                          agenda=series.agenda_template, series=series, leader_id=supervisor.id,
                                          kpi_keys=kpi_keys, start_local_day=day, invite=False)
        meetings.save_minutes(session, meeting, supervisor, progress="上周成交 6 单，新增线索 14 个。",
                              problems="两位客户反映发货慢。", solutions="与物流部确认加急流程。",
                              priorities="跟进双十一备货客户。", decisions="每周三下午集中回访 A 类客户。")
        past.append(meeting)
    owners = team or [supervisor]
    for index, (meeting, title, due_days) in enumerate([(past[0], "整理 A 类客户回访名单", -3),
                                                        (past[0], "与物流部确认加急发货流程", 2),
                                                        (past[1], "准备双十一备货报价", 5)]):
        actions.add_item(session, meeting, supervisor, title=title, owner_id=owners[index % len(owners)].id,
                         due_on=today + timedelta(days=due_days))
    for meeting in past:
        meeting.state, meeting.closed_at = "closed", meeting.starts_at + timedelta(hours=1)
    meetings.create_meeting(session, supervisor, title=series.title,
                            starts_at=local_to_utc(datetime.combine(today + timedelta(days=7), time(9, 30))),
                            duration_minutes=60, location=series.location, agenda=series.agenda_template,
                            series=series, leader_id=supervisor.id, kpi_keys=kpi_keys,
                            start_local_day=today + timedelta(days=7), invite=False)

    # Knowledge sharing (R8.1.2): posts with tags and likes.
    writers = [manager, supervisor, *team[:2]]
    readers = list(session.scalars(select(User).where(User.active).limit(12)))
    for index, (title, kind, tags, body) in enumerate(POSTS):
        post = posts.create_post(session, writers[index % len(writers)], title=title, body=body, kind=kind, tags=tags)
        for reader in rng.sample(readers, k=min(len(readers), 3 + index * 2)):
            session.add(PostLike(post_id=post.id, user_id=reader.id, created_at=now - timedelta(days=rng.randint(0, 5))))
            post.like_count += 1

    # Recognition (R8.1.3, R10): kudos, two awards, last month's suggestions and one confirmed.
    last_month = recognition.previous_month(today)
    if team:
        session.add_all([Kudos(from_id=supervisor.id, to_id=team[0].id, reason="帮新同事梳理了报价流程，谢谢！"),
                         Kudos(from_id=team[-1].id, to_id=supervisor.id, reason="周末还在帮我对接大客户。")])
        # Last month's thanks, so that the service star has someone to suggest (nobody is put forward for zero).
        thanked_at = local_to_utc(datetime.combine(last_month.start + timedelta(days=9), time(15, 0)))
        session.add_all([Kudos(from_id=supervisor.id, to_id=team[1 % len(team)].id, reason="主动帮客户协调物流，客户很满意。",
                               created_at=thanked_at),
                         Kudos(from_id=manager.id, to_id=team[1 % len(team)].id, reason="大促期间连续加班保障发货。",
                               created_at=thanked_at + timedelta(days=2))])
    kpi = "pipeline.revenue" if "pipeline.revenue" in definitions() else "team.kudos_received"
    session.add_all([AwardType(name="月度销售冠军", kpi_key=kpi, description="上月销售额第一名", winners=1),
                     AwardType(name="服务之星", kpi_key="team.kudos_received", description="上月收到点赞最多",
                               winners=1),
                     AwardType(name="绩效之星", kpi_key=recognition.APPRAISAL_KEY,
                               description="考核结果优秀（最终得分 90 分以上）者，由经理确认后授予", winners=1)])
    session.flush()
    suggested = recognition.suggest(session, last_month)
    if suggested:
        award: Award = suggested[0]
        award.state, award.decided_by_id, award.decided_at = "confirmed", manager.id, now

    # Team activities (R8.1.1).
    activity = activities.create_activity(session, hr or manager, title="季度团建：西湖徒步", kind="outdoor",
                                          starts_at=now + timedelta(days=12), location="杭州西湖",
                                          capacity=25, cost=Decimal("3000"), description="含午餐与保险。")
    for person in team[:3]:
        activities.sign_up(session, activity, person)

    # A cross-department issue past its deadline (R8.2.3).
    finance_dept = session.scalar(select(Department).where(Department.name == "财务部"))
    rep = team[0] if team else supervisor
    if finance_dept is not None:
        session.add(Issue(title="大客户开票延迟", description="客户要求本周内开具增值税专票，财务尚未处理。",
                          severity="high", source_department_id=rep.department_id,
                          target_department_id=finance_dept.id, raised_by_id=rep.id,
                          created_at=now - timedelta(days=3), sla_due_at=now - timedelta(days=2)))
    session.flush()
