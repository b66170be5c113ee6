"""Practical assessments on a rubric (R3.2.4): scored by the trainer, a percent of the rubric, told to the person
and the supervisor; malformed rubrics and points out of range are refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.notifications.models import Notification
from plugins.training.models import PracticalAssessment
from plugins.training.services import TrainingError
from plugins.training.services.assessments import parse_rubric
from plugins.training.services.courses import save_course


def test_a_rubric_is_read_line_by_line_and_bad_lines_are_refused():
    assert parse_rubric("开场白: 10\n需求挖掘：30\n\n") == [("开场白", 10), ("需求挖掘", 30)]
    for bad in ("开场白", "开场白: ten", ": 10", "开场白: 0"):
        with pytest.raises(TrainingError):
            parse_rubric(bad)


def test_the_trainer_scores_a_practical_task(client, login_as, db, team, course):
    save_course(db.session, team["hr"], course, title=course.title, kind=course.kind, trainer_id=team["supervisor"].id,
                rubric="开场白: 10\n需求挖掘: 30")
    db.session.commit()
    login_as(team["rep"])  # neither the trainer nor a grader
    assert client.get(f"/training/courses/{course.id}/assess").status_code == 403
    login_as(team["supervisor"])
    bad = client.post(f"/training/courses/{course.id}/assess", data={"user_id": team["rep"].id, "c-0": "11",
                                                                      "c-1": "20"})
    assert bad.status_code == 422 and db.session.scalar(select(func.count(PracticalAssessment.id))) == 0
    before = db.session.scalar(select(func.count(Notification.id)))
    response = client.post(f"/training/courses/{course.id}/assess",
                           data={"user_id": team["rep"].id, "c-0": "8", "c-1": "22", "note": "提问很到位"})
    assert response.status_code == 302
    item = db.session.scalar(select(PracticalAssessment))
    assert item.total == Decimal("75.00")  # 30 of 40
    assert db.session.scalar(select(func.count(Notification.id))) == before + 2  # the person and the supervisor
    login_as(team["rep"])
    assert "75" in client.get(f"/training/assessments/{item.id}").get_data(as_text=True)
    login_as(team["outsider"])
    assert client.get(f"/training/assessments/{item.id}").status_code == 404
