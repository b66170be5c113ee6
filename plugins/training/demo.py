"""Demo data: the onboarding programme running for a new hire, a periodic plan with past and future sessions
(attendance taken), a product exam with results and certificates, practical assessments, and a personal plan."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from random import Random
from typing import Any

from sqlalchemy import select

from core.identity.demo import demo_password
from core.identity.models import User
from core.identity.users import create_user
from core.timeutil import local_to_utc, local_today, utcnow
from plugins.training.models import TrainingCourse, TrainingEnrolment, TrainingModule, TrainingSession
from plugins.training.services.assessments import parse_rubric
from plugins.training.services.assessments import record as record_assessment
from plugins.training.services.assignments import set_step_done
from plugins.training.services.exams import create_exam, save_question, start, submit
from plugins.training.services.onboarding import seed_programme, start_onboarding
from plugins.training.services.plans import add_item, create_plan, set_mapping
from plugins.training.services.sessions import enrol, record_attendance, save_session

PERIODIC = (
    ("行业动态与市场趋势", "行业动态、竞争对手与电商平台规则的变化。"),
    ("新产品知识：网销 CRM 年费版", "新产品的功能、优势、卖点与常见问题。"),
    ("销售策略与谈判技巧", "需求挖掘、报价策略、异议处理与成交技巧。"),
    ("客户关系管理实务", "客户分级、回访计划与客户满意度提升。"),
)


def _at(day: Any, hour: int) -> datetime:
    return local_to_utc(datetime.combine(day, time(hour, 0)))


def _people(session: Any, position: str) -> list[User]:
    return list(session.scalars(select(User).where(User.active, User.position == position).order_by(User.id)))


def _new_hire(session: Any, reps: list[User]) -> None:
    """A representative hired ten days ago, two modules of onboarding done (R3.2.1)."""
    supervisor = session.scalar(select(User).where(User.login == "supervisor1"))
    person = create_user(session, login="newhire", name="林小新", password=demo_password(), check_password=False,
                         email="newhire@demo.netsales.local", position="sales_rep", roles=["sales_rep"],
                         superior_id=supervisor.id if supervisor else None,
                         department_id=supervisor.department_id if supervisor else None,
                         hire_date=local_today() - timedelta(days=10))
    assignment = start_onboarding(session, person)
    if assignment is not None:
        for step in assignment.steps[:2]:
            set_step_done(session, person, step)


def _periodic(session: Any, rng: Random, trainer: User, reps: list[User]) -> list[TrainingCourse]:
    """An annual plan: each course has a past session (attendance taken) and a future one (enrolment open)."""
    courses = []
    today = local_today()
    for number, (title, description) in enumerate(PERIODIC):
        course = TrainingCourse(title=title, description=description, kind="periodic",
                                duration_hours=Decimal("3"), trainer_id=trainer.id,
                                mandatory_positions="sales_rep")
        session.add(course)
        session.flush()
        session.add(TrainingModule(course_id=course.id, position=1, title=title, body=description))
        courses.append(course)
        past_day = today - timedelta(days=30 + 25 * number)
        past = TrainingSession(course_id=course.id, starts_at=_at(past_day, 14), ends_at=_at(past_day, 17),
                               place="总部三楼培训室", capacity=30, seats_taken=0, trainer_id=trainer.id,
                               audience_positions="sales_rep")
        session.add(past)
        session.flush()
        attendees = [p for p in reps if rng.random() < 0.8]
        for person in attendees:
            session.add(TrainingEnrolment(session_id=past.id, user_id=person.id, state="enrolled",
                                          session_starts_at=past.starts_at, enrolled_at=past.starts_at - timedelta(days=7)))
        past.seats_taken = len(attendees)
        session.flush()
        marks = {e.id: rng.choice(("present", "present", "present", "late", "absent", "excused"))
                 for e in session.scalars(select(TrainingEnrolment).where(TrainingEnrolment.session_id == past.id))}
        record_attendance(session, trainer, past, marks)
        future_day = today + timedelta(days=7 + 20 * number)
        future = save_session(session, course, starts_at=_at(future_day, 9), ends_at=_at(future_day, 12),
                              capacity=12 if number == 0 else 25,
                              place=None if number % 2 else "总部三楼培训室",
                              online_url="https://meeting.example.cn/training" if number % 2 else None,
                              audience_positions=["sales_rep"])
        for person in rng.sample(reps, k=min(len(reps), 12 if number == 0 else 5)):
            enrol(session, future, person)
    return courses


def _product_exam(session: Any, rng: Random, reps: list[User]) -> TrainingCourse:
    """Product knowledge with an exam from its question bank; most representatives passed (R3.2.4)."""
    course = TrainingCourse(title="产品知识：网销 CRM", kind="product", duration_hours=Decimal("2"),
                            description="产品功能、价格政策与售后服务。", mandatory_positions="sales_rep")
    session.add(course)
    session.flush()
    session.add(TrainingModule(course_id=course.id, position=1, title="产品手册", body="请阅读产品手册后参加考试。"))
    questions = [
        save_question(session, course, kind="single", text="网销 CRM 年费版的标准价格是？",
                      options=["9,800 元", "19,800 元", "29,800 元"], correct=[1], points=2),
        save_question(session, course, kind="multiple", text="以下哪些属于产品的核心卖点？",
                      options=["客户分级", "报价单 PDF", "考勤打卡", "销售漏斗"], correct=[0, 1, 3], points=3),
        save_question(session, course, kind="single", text="售后工单的紧急级别要求在几小时内解决？",
                      options=["4 小时", "24 小时", "72 小时"], correct=[0], points=2),
    ]
    exam = create_exam(session, course, title="产品知识考试", time_limit_minutes=20, pass_mark=Decimal("60"),
                       max_attempts=1, question_ids=[q.id for q in questions])
    now = utcnow()
    for person in reps[: max(len(reps) - 2, 1)]:
        began = now - timedelta(days=rng.randint(2, 40), minutes=30)
        attempt = start(session, exam, person, now=began)
        answers = {q.id: (q.correct if rng.random() < 0.75 else [0]) for q in questions}
        submit(session, attempt, answers, now=began + timedelta(minutes=rng.randint(5, 18)))
    return course


def load(session: Any, rng: Random) -> None:
    seed_programme(session)
    reps = _people(session, "sales_rep")
    trainer = session.scalar(select(User).where(User.login == "supervisor1")) or (reps[0] if reps else None)
    if trainer is None or not reps:
        return
    courses = _periodic(session, rng, trainer, reps)
    _product_exam(session, rng, reps)
    courses[2].rubric = "开场与破冰: 10\n需求挖掘: 30\n方案呈现: 30\n异议处理: 20\n促成与跟进: 10"
    for person in reps[:3]:
        record_assessment(session, courses[2], person, trainer,
                          {name: rng.randint(most // 2, most) for name, most in parse_rubric(courses[2].rubric)},
                          "模拟客户拜访的实操考核。")
    set_mapping(session, "pipeline.revenue", courses[2].id)
    set_mapping(session, "crm.satisfaction", courses[3].id)
    rep = next((p for p in reps if p.superior_id == trainer.id), reps[0])
    plan = create_plan(session, trainer, rep, title=f"{rep.name} 的个人培训计划", goals="三个月内报价成交率提升到 30%。",
                       reason="报价阶段丢单较多。")
    add_item(session, plan, kind="course", by=trainer, course_id=courses[2].id, due_date=local_today() + timedelta(days=45))
    add_item(session, plan, kind="coaching", by=trainer, title="每周一次陪同拜访与复盘",
             due_date=local_today() + timedelta(days=30))
    add_item(session, plan, kind="goal", by=trainer, title="报价成交率达到 30%", due_date=local_today() + timedelta(days=90))
    _new_hire(session, reps)
    session.flush()
