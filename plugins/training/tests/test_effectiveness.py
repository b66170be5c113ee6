"""Effectiveness (R3.2.4) on a hand-checked fixture: the participants' KPI change over N weeks before and after
the course, against a comparison group that never took it, with one compute call per KPI and window."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from core.contracts import KPIDef, Period
from core.timeutil import local_to_utc
from plugins.training.models import TrainingEnrolment, TrainingSession
from plugins.training.services import effectiveness

START, END = date(2026, 3, 1), date(2026, 4, 1)
BEFORE = Period(date(2026, 1, 4), START)  # 8 weeks before the period
AFTER = Period(END, date(2026, 5, 27))  # 8 weeks after it


@pytest.fixture
def people(make_user):
    return {key: make_user(f"p-{key}", roles=["sales_rep"], position="sales_rep") for key in "ABCDE"}


def attended(db, course, person, day):
    starts = local_to_utc(datetime.combine(day, datetime.min.time()) + timedelta(hours=9))
    item = TrainingSession(course_id=course.id, starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=10,
                           seats_taken=1, place="培训室")
    db.session.add(item)
    db.session.flush()
    db.session.add(TrainingEnrolment(session_id=item.id, user_id=person.id, state="enrolled", attendance="present",
                                     hours=Decimal("2"), session_starts_at=starts))
    db.session.commit()


def test_the_effect_is_the_participants_change_beyond_the_comparison_group(db, course, people, monkeypatch):
    a, b, c, d, e = (people[k] for k in "ABCDE")
    attended(db, course, a, date(2026, 3, 5))
    attended(db, course, b, date(2026, 3, 20))
    attended(db, course, e, date(2025, 6, 1))  # took it long ago: neither participant nor comparison
    values = {BEFORE: {a.id: 10, b.id: 20, c.id: 10, d.id: 30, e.id: 99},
              AFTER: {a.id: 30, b.id: 20, c.id: 15, d.id: 35, e.id: 0}}
    calls = []

    def revenue(user_ids, period):
        calls.append((sorted(user_ids), period))
        return {uid: Decimal(values[period].get(uid, 0)) for uid in user_ids}

    kpi = KPIDef("test.revenue", "Revenue", "CNY", revenue)
    monkeypatch.setattr(effectiveness, "available_kpis", lambda: {"test.revenue": kpi})
    report = effectiveness.measure(db.session, course.id, START, END, 8, ["test.revenue"], today=date(2026, 12, 1))
    assert (report.participants, report.comparison) == (2, 2)
    [effect] = report.effects
    assert (effect.participants_before, effect.participants_after) == (Decimal("15.00"), Decimal("25.00"))
    assert (effect.comparison_before, effect.comparison_after) == (Decimal("20.00"), Decimal("25.00"))
    assert effect.participants_change == Decimal("10.00") and effect.comparison_change == Decimal("5.00")
    assert effect.effect == Decimal("5.00") and effect.good is True
    # Set-based: one call per window, for participants and comparison group together.
    assert calls == [(sorted([a.id, b.id, c.id, d.id]), BEFORE), (sorted([a.id, b.id, c.id, d.id]), AFTER)]
    assert not report.after_incomplete


def test_the_report_page_reads_the_kpis_of_the_modules(client, login_as, db, team, course):
    attended(db, course, team["rep"], date.today() - timedelta(days=10))
    login_as(team["hr"])
    response = client.get(f"/training/effectiveness?course_id={course.id}&kpis=pipeline.revenue")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 人完成该课程" in page or "1 people" in page
    assert "pipeline.revenue" not in page.split("<main", 1)[1].replace('value="pipeline.revenue"', "")
    login_as(team["rep"])
    assert client.get("/training/effectiveness").status_code == 403
