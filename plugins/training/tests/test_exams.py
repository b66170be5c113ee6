"""Exams (R3.2.4): choice questions graded automatically, short answers by the trainer, the time limit, one
attempt unless the trainer allows more, a submission counted once, the certificate on passing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.timeutil import utcnow
from plugins.training.models import ExamAttempt, TrainingAssignment, TrainingCertificate
from plugins.training.services import TrainingError
from plugins.training.services import exams as service


@pytest.fixture
def exam(db, course):
    questions = [
        service.save_question(db.session, course, kind="single", text="Q1", options=["a", "b", "c"], correct=[1],
                              points=2),
        service.save_question(db.session, course, kind="multiple", text="Q2", options=["a", "b", "c", "d"],
                              correct=[0, 2], points=3),
        service.save_question(db.session, course, kind="short", text="Q3", points=5),
    ]
    row = service.create_exam(db.session, course, title="期末考试", time_limit_minutes=30, pass_mark=Decimal("60"),
                              max_attempts=1, question_ids=[q.id for q in questions])
    db.session.commit()
    return row


def ids(exam):
    return [q.id for q in exam.questions]


def test_choices_are_graded_at_once_and_short_answers_by_the_trainer(db, team, exam):
    q1, q2, q3 = ids(exam)
    attempt = service.start(db.session, exam, team["rep"])
    # Q1 right (2), Q2 only half the right choices (all or nothing: 0), Q3 waits for the trainer.
    assert service.submit(db.session, attempt, {q1: ["1"], q2: ["0"], q3: "先了解客户需求"})
    db.session.commit()
    assert attempt.state == "submitted" and attempt.score is None
    short = next(a for a in attempt.answers if a.question_id == q3)
    with pytest.raises(TrainingError):
        service.grade_answer(db.session, short, "6")  # more than the question's 5 points
    service.grade_answer(db.session, short, "3")
    db.session.commit()
    assert attempt.state == "graded"
    assert attempt.score == Decimal("50.00")  # (2 + 0 + 3) / 10
    assert attempt.passed is False
    assert db.session.scalar(select(func.count(TrainingCertificate.id))) == 0


def test_passing_issues_a_certificate_and_completes_the_course(db, team, exam, course):
    from plugins.training.services.assignments import assign

    assignment = assign(db.session, team["rep"], course)
    q1, q2, q3 = ids(exam)
    attempt = service.start(db.session, exam, team["rep"])
    service.submit(db.session, attempt, {q1: ["1"], q2: ["2", "0"], q3: ""})  # empty short answer: 0, graded now
    db.session.commit()
    assert attempt.state == "graded" and attempt.score == Decimal("50.00")
    service.allow_more(db.session, exam, team["rep"].id)
    second = service.start(db.session, exam, team["rep"])
    service.submit(db.session, second, {q1: ["1"], q2: ["0", "2"], q3: "答案"})
    service.grade_answer(db.session, next(a for a in second.answers if a.question_id == q3), "5")
    db.session.commit()
    assert second.passed and second.score == Decimal("100.00")
    certificate = db.session.scalar(select(TrainingCertificate))
    assert certificate.attempt_id == second.id and certificate.number.startswith("TR-")
    db.session.expire_all()
    assert db.session.get(TrainingAssignment, assignment.id).completed_at is not None


def test_one_attempt_unless_the_trainer_allows_more(db, team, exam):
    attempt = service.start(db.session, exam, team["rep"])
    assert service.start(db.session, exam, team["rep"]).id == attempt.id  # resuming, not a second attempt
    service.submit(db.session, attempt, {})
    db.session.commit()
    with pytest.raises(TrainingError):
        service.start(db.session, exam, team["rep"])
    service.allow_more(db.session, exam, team["rep"].id)
    assert service.start(db.session, exam, team["rep"]).number == 2


def test_a_submission_after_the_time_limit_keeps_the_answers_but_does_not_pass(db, team, exam):
    q1, q2, q3 = ids(exam)
    began = utcnow() - timedelta(minutes=45)
    attempt = service.start(db.session, exam, team["rep"], now=began)
    service.submit(db.session, attempt, {q1: ["1"], q2: ["0", "2"], q3: "答案"})
    service.grade_answer(db.session, next(a for a in attempt.answers if a.question_id == q3), "5")
    db.session.commit()
    assert attempt.late and attempt.score == Decimal("100.00") and attempt.passed is False
    assert len(attempt.answers) == 3


def test_submitting_twice_counts_once(client, login_as, db, team, exam):
    q1, _q2, _q3 = ids(exam)
    attempt = service.start(db.session, exam, team["rep"])
    db.session.commit()
    login_as(team["rep"])
    first = client.post(f"/training/attempts/{attempt.id}/submit", data={f"q-{q1}": "1"})
    second = client.post(f"/training/attempts/{attempt.id}/submit", data={f"q-{q1}": "0"}, follow_redirects=True)
    assert first.status_code == 302
    assert "只计一次" in second.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(ExamAttempt, attempt.id)
    assert [a.choices for a in stored.answers if a.question_id == q1] == [[1]]


def test_two_submissions_at_the_same_moment_count_once(app, db, team, exam, make_app):
    import threading

    from core.extensions import db as database

    q1 = ids(exam)[0]
    attempt_id = service.start(db.session, exam, team["rep"]).id
    db.session.commit()
    apps = [make_app(), make_app()]
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def send(application, choice):
        with application.app_context():
            try:
                attempt = database.session.get(ExamAttempt, attempt_id)
                attempt.exam.questions  # noqa: B018  (loaded before the race)
                barrier.wait(timeout=10)
                results.append(service.submit(database.session, attempt, {q1: [choice]}))
                database.session.commit()
            finally:
                database.session.remove()

    threads = [threading.Thread(target=send, args=(a, c)) for a, c in zip(apps, ("1", "0"), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [False, True]
    db.session.expire_all()
    assert len(db.session.get(ExamAttempt, attempt_id).answers) == 3


def test_the_certificate_pdf_prints_in_chinese(client, login_as, db, team, exam):
    pytest.importorskip("weasyprint")
    from core.pdf import FontNotFoundError, find_cjk_font

    try:
        find_cjk_font()
    except FontNotFoundError:
        pytest.skip("no CJK font installed")
    q1, q2, q3 = ids(exam)
    attempt = service.start(db.session, exam, team["rep"])
    service.submit(db.session, attempt, {q1: ["1"], q2: ["0", "2"], q3: "答案"})
    service.grade_answer(db.session, next(a for a in attempt.answers if a.question_id == q3), "1")
    db.session.commit()
    certificate = db.session.scalar(select(TrainingCertificate))  # 60%: the pass mark
    from plugins.training.pdf import certificate_html

    html = certificate_html(certificate)
    assert "培训合格证书" in html and team["rep"].name in html and "销售策略" in html
    login_as(team["rep"])
    response = client.get(f"/training/certificates/{certificate.id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    login_as(team["other"])  # not theirs
    assert client.get(f"/training/certificates/{certificate.id}.pdf").status_code == 404


def test_bad_questions_are_refused(db, course, english):
    with pytest.raises(TrainingError, match="exactly one"):
        service.save_question(db.session, course, kind="single", text="Q", options=["a", "b"], correct=[0, 1])
    with pytest.raises(TrainingError, match="two choices"):
        service.save_question(db.session, course, kind="multiple", text="Q", options=["a"], correct=[0])
