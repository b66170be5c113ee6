"""Demo recruitment: an open plan for sales representatives with applicants in every stage, and a filled plan for a
customer-service post, built through the services (so the demo follows the same rules as users do)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from random import Random
from typing import Any

from sqlalchemy import select

from core.identity.models import Department, User
from core.timeutil import local_today, utcnow
from plugins.recruitment.models import Application, Requisition, StageChange
from plugins.recruitment.services import (
    candidates,
    checks,
    interviews,
    offers,
    postings,
    requisitions,
    stages,
    written_tests,
)
from plugins.recruitment.services.screening import screen

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建文宇浩然思雨欣怡子轩"
PAPER = ("客户说“太贵了”，最合适的第一反应是？\n- 马上降价\n* 先了解客户比较的对象和预算\n- 结束对话\npoints: 30\n\n"
         "天猫店铺的转化率指的是？\n- 访客数除以订单数\n* 下单人数除以访客数\n- 收藏数除以访客数\npoints: 30\n\n"
         "请描述一次你说服犹豫客户下单的经历。\npoints: 40")


def _person(rng: Random, taken: set[str]) -> tuple[str, str, str]:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in taken:
            taken.add(name)
            n = len(taken)
            return name, f"139{rng.randint(10000000, 99999999)}", f"applicant{n}@demo-mail.local"


def _user(session: Any, login: str) -> User | None:
    return session.scalar(select(User).where(User.login == login))


def _approve(session: Any, requisition: Requisition) -> None:
    requisitions.submit(session, requisition, requisition.requested_by)
    while requisition.state == "pending":
        step = requisitions.current_step(session, requisition)
        if step == "department_head" and requisition.department and requisition.department.head_id:
            approver = session.get(User, requisition.department.head_id)
        else:
            approver = _user(session, "hr") or _user(session, "admin")
        requisitions.decide(session, requisition, approver, True, "同意")


def load(session: Any, rng: Random) -> None:
    hr, manager, supervisor = _user(session, "hr"), _user(session, "manager"), _user(session, "supervisor1")
    if hr is None or manager is None or supervisor is None:
        return  # not the demo company's people
    sales = session.scalar(select(Department).where(Department.name == "网络销售部"))
    taken: set[str] = set()
    today = local_today()

    open_plan = requisitions.save_requisition(
        session, manager, title="网络销售专员（天猫/京东）", position="sales_rep",
        department_id=sales.id if sales else None, headcount=3, reason="growth", salary_min=Decimal("6000"),
        salary_max=Decimal("10000"), required_by=today + timedelta(days=45),
        description="负责天猫、京东店铺的客户咨询与成交，维护老客户，完成月度销售目标。",
        requirements="education: 大专及以上学历\nexperience: 一年以上电商销售经验\nskill: 熟练使用千牛、京麦等工具\n"
                     "language: 普通话标准\n抗压能力强，目标感强")
    _approve(session, open_plan)
    filled_plan = requisitions.save_requisition(
        session, manager, title="售后客服专员", position="sales_rep", department_id=sales.id if sales else None,
        headcount=1, reason="replacement", salary_min=Decimal("5000"), salary_max=Decimal("7000"),
        required_by=today - timedelta(days=5), description="处理售后咨询、退换货与客户投诉。",
        requirements="education: 高中及以上学历\nskill: 打字速度每分钟 60 字以上\n耐心细致")
    _approve(session, filled_plan)

    careers = postings.publish(session, open_plan, hr, "careers")
    boss = postings.publish(session, open_plan, hr, "job_site", venue="BOSS直聘", url="https://www.zhipin.com/")
    campus = postings.publish(session, open_plan, hr, "campus", venue="浙江工商大学春季招聘会",
                              event_date=today - timedelta(days=20))
    postings.publish(session, filled_plan, hr, "job_site", venue="前程无忧")
    postings.record_cost(session, hr, "job_site", Decimal("2980"), today - timedelta(days=30), boss.id, "BOSS直聘季度套餐")
    postings.record_cost(session, hr, "campus", Decimal("1500"), today - timedelta(days=20), campus.id, "展位费")
    paper = written_tests.create_paper(session, hr, "网络销售笔试（初级）", 30, Decimal("60"), PAPER)

    def applicant(plan: Requisition, posting: Any, channel: str, referrer: User | None = None) -> Application:
        name, phone, email = _person(rng, taken)
        candidate = candidates.upsert_candidate(session, name=name, phone=phone, email=email,
                                                education=rng.choice(("大专", "本科", "本科", "硕士")),
                                                current_employer=rng.choice(("", "某电商公司", "某零售连锁")),
                                                consent=True, talent_pool=rng.random() < 0.3)
        application, _ = candidates.apply(session, plan, candidate, channel=channel, posting=posting,
                                          source_detail=posting.venue if posting else None,
                                          referrer_id=referrer.id if referrer else None, user=hr)
        return application

    def met(application: Application) -> dict[int, bool]:
        return {r.id: rng.random() < 0.85 for r in application.requisition.requirements}

    def through_test(application: Application) -> None:
        screen(session, application, hr, "pass", met(application))
        written_tests.record_by_hand(session, application, hr, Decimal(rng.randint(65, 95)), Decimal("100"), True)
        written_tests.conclude(session, application, hr)

    def through_interview(application: Application) -> None:
        through_test(application)
        iv = interviews.schedule(session, application, hr, [supervisor.id, manager.id], utcnow() - timedelta(days=3),
                                 "三楼会议室")
        for person in (supervisor, manager):
            interviews.submit_scorecard(session, iv, person, {r.id: rng.randint(3, 5) for r in
                                                              application.requisition.requirements},
                                        rng.randint(3, 5), "pass", "表达清晰，有电商经验。")
        interviews.decide(session, iv, hr, "pass")
        interviews.to_background_check(session, application, hr)

    def through_check(application: Application) -> None:
        through_interview(application)
        check = checks.check_of(session, application)
        checks.record_consent(session, check, "签署了背景调查授权书")
        for item in list(check.items):
            checks.record_result(session, check, item, hr, "verified", "电话核实")

    def offered(application: Application, accept: bool) -> Any:
        through_check(application)
        offer = offers.make_offer(session, application, hr, salary=Decimal(rng.choice((7000, 7500, 8000))),
                                  start_date=today + timedelta(days=rng.randint(7, 20)), position="sales_rep",
                                  department_id=application.requisition.department_id, superior_id=supervisor.id)
        offers.set_state(session, offer, "sent")
        if accept:
            offers.set_state(session, offer, "accepted")
        return offer

    def hired(application: Application) -> None:
        offered(application, True)
        offers.hire(session, application, hr, offers.suggested_login(session, application))

    # The open plan: applicants at every stage.
    for _ in range(3):
        applicant(open_plan, careers, "careers")
    held = applicant(open_plan, boss, "job_site")
    screen(session, held, hr, "hold", met(held), "经验稍弱，等第二批简历对比")
    linked = applicant(open_plan, campus, "campus")
    screen(session, linked, hr, "pass", met(linked))
    written_tests.issue_link(session, linked, paper, hr)
    through_test(applicant(open_plan, boss, "job_site"))
    scheduled = applicant(open_plan, None, "referral", referrer=supervisor)
    through_test(scheduled)
    interviews.schedule(session, scheduled, hr, [supervisor.id, manager.id], utcnow() + timedelta(days=2), "三楼会议室")
    background = applicant(open_plan, boss, "job_site")
    through_interview(background)
    check = checks.check_of(session, background)
    checks.record_consent(session, check, "邮件确认授权")
    checks.record_result(session, check, check.items[0], hr, "verified", "学信网核验")
    offered(applicant(open_plan, careers, "careers"), False)
    hired(applicant(open_plan, boss, "job_site"))
    for reason in ("无电商经验", "期望薪资远高于预算"):
        stages.reject(session, applicant(open_plan, careers, "careers"), hr, reason, notify=False)

    # The filled plan: one hire, one rejection.
    hired(applicant(filled_plan, None, "job_site"))
    stages.reject(session, applicant(filled_plan, None, "job_site"), hr, "打字速度不达标", notify=False)

    # Spread the dates over the last weeks, so the reports have durations to show.
    now = utcnow()
    for application in session.scalars(select(Application)):
        application.created_at = now - timedelta(days=rng.randint(5, 30))
    typical_days = {"screening": (1, 4), "test": (2, 6), "interview": (3, 10), "background": (2, 7), "offer": (1, 5)}
    for change in session.scalars(select(StageChange).where(StageChange.from_stage.is_not(None))):
        low, high = typical_days.get(change.from_stage, (1, 3))
        change.seconds_in_stage = rng.randint(low * 86400, high * 86400)
    filled_plan.approved_at = now - timedelta(days=40)
    filled_plan.filled_at = now - timedelta(days=6)
    session.flush()
