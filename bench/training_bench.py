"""Benchmark of the training plugin (issue 15 "Performance"): prints ratios, not seconds.

Builds two companies, 500 and 5,000 people (supervisors with 20 representatives each), each person with an
onboarding programme of five modules, three years of periodic sessions with attendance, and two exams a year.
For the supervisor's team progress page, the manager's company-wide progress page and the effectiveness report of a
course with 50 participants in both companies (and, for information, of one a tenth of the staff took: 50 and 500
participants) it prints page / SQL at each size and large / small: the issue's target is large / small at most 1.5. Their statement counts are fixed whatever the size;
plugins/training/tests/test_pages_and_access.py asserts that.

    .venv/bin/python -m bench.training_bench                       # 500 and 5,000 people
    .venv/bin/python -m bench.training_bench --small 100 --large 1000
    NETSALES_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python -m bench.training_bench
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import Flask
from sqlalchemy import insert, select

from bench.harness import PageTiming, bench_app, time_page

TEAM_SIZE = 20
COURSES = 12
YEARS = 3
SESSIONS_PER_COURSE_YEAR = 4
EXAMS_PER_YEAR = 2
CHUNK = 10_000


def _chunks(rows: list[dict], size: int = CHUNK):  # type: ignore[no-untyped-def]
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def build(app: Flask, people: int, rng: random.Random) -> dict[str, object]:
    """People, programmes, sessions with attendance and exam attempts; core bulk inserts in chunks."""
    from core.extensions import db
    from core.identity.models import User
    from core.identity.users import create_user
    from core.timeutil import local_today, utcnow
    from plugins.training.models import (
        ExamAttempt,
        OnboardingProgramme,
        TrainingAssignment,
        TrainingCourse,
        TrainingEnrolment,
        TrainingExam,
        TrainingModule,
        TrainingSession,
        TrainingStep,
    )

    with app.app_context():
        today, now = local_today(), utcnow()
        manager = create_user(db.session, login="manager", name="经理", roles=["sales_manager"],
                              position="sales_manager")
        create_user(db.session, login="hr", name="人事", roles=["hr"], position="hr")
        db.session.commit()
        supervisors = people // (TEAM_SIZE + 1)
        rows = []
        for s in range(supervisors):
            rows.append({"login": f"sup{s}", "name": f"主管{s:04d}", "position": "sales_supervisor",
                         "superior_id": manager.id})
        db.session.execute(insert(User), [dict(r, active=True, session_token=f"t{r['login']}", locale=None,
                                               hire_date=today - timedelta(days=900), created_at=now) for r in rows])
        sup_ids = list(db.session.scalars(select(User.id).where(User.position == "sales_supervisor").order_by(User.id)))
        reps = [{"login": f"rep{i}", "name": f"代表{i:05d}", "position": "sales_rep", "active": True,
                 "superior_id": sup_ids[i % len(sup_ids)], "session_token": f"t{i}", "locale": None,
                 "hire_date": today - timedelta(days=rng.randint(5, 1000)), "created_at": now}
                for i in range(people - supervisors)]
        for chunk in _chunks(reps):
            db.session.execute(insert(User), chunk)
        db.session.commit()
        from core.identity.models import Role

        rep_role = db.session.scalar(select(Role).where(Role.code == "sales_rep"))
        sup_role = db.session.scalar(select(Role).where(Role.code == "sales_supervisor"))
        from core.identity.models import user_roles

        person_ids = list(db.session.scalars(select(User.id).where(User.position.in_(("sales_rep", "sales_supervisor")))))
        role_of = dict(db.session.execute(select(User.id, User.position)).all())
        for chunk in _chunks([{"user_id": u, "role_id": (sup_role if role_of[u] == "sales_supervisor" else rep_role).id}
                              for u in person_ids]):
            db.session.execute(insert(user_roles), chunk)

        onboarding = db.session.scalar(select(TrainingCourse).join(OnboardingProgramme,
                                                                   OnboardingProgramme.course_id == TrainingCourse.id))
        modules = [(m.id, m.due_day) for m in onboarding.modules]
        hires = dict(db.session.execute(select(User.id, User.hire_date).where(User.id.in_(person_ids))).all())
        for chunk in _chunks([{"user_id": u, "course_id": onboarding.id, "source": "onboarding",
                               "base_date": hires[u], "assigned_at": now, "cancelled": False,
                               "completed_at": now - timedelta(days=rng.randint(0, 300))
                               if (today - hires[u]).days > 40 else None} for u in person_ids]):
            db.session.execute(insert(TrainingAssignment), chunk)
        assignments = db.session.execute(select(TrainingAssignment.id, TrainingAssignment.base_date,
                                                TrainingAssignment.completed_at)).all()
        steps = [{"assignment_id": a, "module_id": m, "due_date": base + timedelta(days=day),
                  "done_at": done or (now if rng.random() < 0.5 else None)}
                 for a, base, done in assignments for m, day in modules]
        for chunk in _chunks(steps):
            db.session.execute(insert(TrainingStep), chunk)

        courses = []
        for c in range(COURSES):
            course = TrainingCourse(title=f"定期培训{c:02d}", kind="periodic", duration_hours=Decimal("3"))
            db.session.add(course)
            db.session.flush()
            db.session.add(TrainingModule(course_id=course.id, position=1, title="内容"))
            courses.append(course.id)
        start_day = today - timedelta(days=365 * YEARS)
        sessions = []
        for course_id in courses:
            for k in range(YEARS * SESSIONS_PER_COURSE_YEAR):
                starts = datetime.combine(start_day + timedelta(days=91 * k + course_id % 60), datetime.min.time()) \
                    + timedelta(hours=1)
                sessions.append({"course_id": course_id, "starts_at": starts, "ends_at": starts + timedelta(hours=3),
                                 "capacity": people, "seats_taken": 0, "place": "培训室", "audience_positions": "",
                                 "cancelled": False, "created_at": starts})
        db.session.execute(insert(TrainingSession), sessions)
        session_rows = db.session.execute(select(TrainingSession.id, TrainingSession.starts_at,
                                                 TrainingSession.course_id)).all()
        # The reports' courses: a tenth of the company attended the first one's session of the last quarter, 50
        # people the second one's, whatever the company's size.
        target, fixed = courses[0], courses[1]

        def last_session(course_id: int):  # type: ignore[no-untyped-def]
            return max((s for s in session_rows if s.course_id == course_id and s.starts_at.date() < today),
                       key=lambda s: s.starts_at)

        recent, fixed_recent = last_session(target), last_session(fixed)
        enrolments = []
        for person in person_ids:
            for s in rng.sample(session_rows, k=min(len(session_rows), 3 * YEARS)):
                if s.id in (recent.id, fixed_recent.id):
                    continue
                enrolments.append({"session_id": s.id, "user_id": person, "state": "enrolled",
                                   "attendance": rng.choice(("present", "present", "late", "absent")),
                                   "hours": Decimal("3"), "session_starts_at": s.starts_at, "enrolled_at": s.starts_at})
        for session_row, k in ((recent, len(person_ids) // 10), (fixed_recent, 50)):
            for person in rng.sample(person_ids, k=k):
                enrolments.append({"session_id": session_row.id, "user_id": person, "state": "enrolled",
                                   "attendance": "present", "hours": Decimal("3"),
                                   "session_starts_at": session_row.starts_at, "enrolled_at": session_row.starts_at})
        for chunk in _chunks(enrolments):
            db.session.execute(insert(TrainingEnrolment), chunk)

        exam = TrainingExam(course_id=target, title="考试", time_limit_minutes=30, pass_mark=Decimal("60"),
                            max_attempts=10)
        db.session.add(exam)
        db.session.flush()
        attempts = []
        for person in person_ids:
            for n in range(YEARS * EXAMS_PER_YEAR):
                began = now - timedelta(days=180 * n + rng.randint(0, 90))
                score = Decimal(rng.randint(30, 100))
                attempts.append({"exam_id": exam.id, "user_id": person, "number": n + 1, "state": "graded",
                                 "started_at": began, "deadline_at": began + timedelta(minutes=30),
                                 "submitted_at": began + timedelta(minutes=20), "late": False, "score": score,
                                 "passed": score >= 60})
        for chunk in _chunks(attempts):
            db.session.execute(insert(ExamAttempt), chunk)
        db.session.commit()
        return {"course": target, "session_day": recent.starts_at.date(), "supervisor": "sup0",
                "fixed_course": fixed, "fixed_day": fixed_recent.starts_at.date(),
                "rows": len(enrolments) + len(attempts) + len(steps)}


def analyze(app: Flask) -> None:
    """Fresh planner statistics and visibility map, as PostgreSQL's autovacuum keeps them after a bulk load
    (without them the planner guesses one row a table). SQLite is left without sqlite_stat1, as a deployment that
    never runs ANALYZE has it."""
    from sqlalchemy import text

    from core.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))


def _line(label: str, small: PageTiming, large: PageTiming) -> str:
    ratio = large.page_seconds / small.page_seconds if small.page_seconds else float("inf")
    return (f"{label:<38} small page/SQL {small.ratio:5.2f} ({small.statements} st.)   "
            f"large page/SQL {large.ratio:5.2f} ({large.statements} st.)   large/small {ratio:5.2f}"
            f"{'' if ratio <= 1.5 else '   ABOVE TARGET 1.5'}")


def measure(people: int, rng: random.Random) -> dict[str, PageTiming]:
    with bench_app("training", "pipeline") as app:
        started = time.perf_counter()
        built = build(app, people, rng)
        analyze(app)
        print(f"built {people:,} people with {built['rows']:,} training rows in {time.perf_counter() - started:.0f} s")
        def report(course: object, day: date) -> str:
            return (f"/training/effectiveness?course_id={course}&start={day - timedelta(days=7)}"
                    f"&end={day + timedelta(days=7)}&kpis=pipeline.revenue&kpis=pipeline.orders&weeks=8")

        pages = {
            "team progress (supervisor)": ("/training/team", "sup0"),
            "team progress, overdue (supervisor)": ("/training/team?status=overdue", "sup0"),
            "progress, whole company (manager)": ("/training/team", "manager"),
            "training hours (manager)": ("/training/hours", "manager"),
            "effectiveness, 50 participants": (report(built["fixed_course"], built["fixed_day"]), "manager"),
            "effectiveness, a tenth of the staff*": (report(built["course"], built["session_day"]), "manager"),
        }
        timings = {}
        for label, (url, login) in pages.items():
            timings[label] = time_page(app, url, login)
            if timings[label].status != 200:
                raise SystemExit(f"{label}: HTTP {timings[label].status}")
        return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--large", type=int, default=5000)
    args = parser.parse_args()
    small = measure(args.small, random.Random(15))
    large = measure(args.large, random.Random(15))
    print()
    print(f"{args.small:,} vs {args.large:,} people (target: large/small at most 1.5)")
    for label in small:
        print(_line(label, small[label], large[label]))
    print("* 50 vs 500 participants: the KPIs are read for ten times as many people (one compute call per KPI and\n"
          "  window either way); the target concerns the company's size, the 50-participant line.")


if __name__ == "__main__":
    main()
