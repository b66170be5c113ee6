"""Exams (R3.2.4): a question bank per course, single and multiple choice graded automatically, short answers by
the trainer, a time limit, one attempt unless the trainer allows more, a certificate on passing.

Submitting is one conditional UPDATE (open -> submitted): the same attempt sent twice at once counts once. An
attempt submitted after its time limit (plus a short grace for the network) keeps its answers but does not pass."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core.timeutil import utcnow
from plugins.training.models import (
    QUESTION_KINDS,
    BankQuestion,
    ExamAnswer,
    ExamAttempt,
    TrainingCertificate,
    TrainingCourse,
    TrainingExam,
    TrainingExtraAttempts,
)
from plugins.training.services import TrainingError

GRACE = timedelta(seconds=30)
HUNDRED = Decimal("100")


def save_question(session: Any, course: TrainingCourse, *, kind: str, text: str, options: list[str] | None = None,
                  correct: list[int] | None = None, points: int | None = 1) -> BankQuestion:
    text = (text or "").strip()
    if kind not in QUESTION_KINDS:
        raise TrainingError(_l("Choose the kind of question."), "kind")
    if not text:
        raise TrainingError(_l("Write the question."), "text")
    if points is None or not 1 <= points <= 100:
        raise TrainingError(_l("Enter between 1 and 100 points."), "points")
    options = [o.strip() for o in (options or []) if o and o.strip()]
    correct = sorted(set(correct or []))
    if kind == "short":
        options, correct = [], []
    else:
        if len(options) < 2:
            raise TrainingError(_l("Give at least two choices, one a line."), "options")
        if len(options) > 10:
            raise TrainingError(_l("Give at most ten choices."), "options")
        if not correct or any(not 0 <= i < len(options) for i in correct):
            raise TrainingError(_l("Mark the right choices."), "correct")
        if kind == "single" and len(correct) != 1:
            raise TrainingError(_l("A single-choice question has exactly one right choice."), "correct")
    question = BankQuestion(course_id=course.id, kind=kind, text=text, options=options, correct=correct,
                            points=points)
    session.add(question)
    session.flush()
    return question


def create_exam(session: Any, course: TrainingCourse, *, title: str, time_limit_minutes: int | None,
                pass_mark: Any, max_attempts: int | None, question_ids: list[int]) -> TrainingExam:
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise TrainingError(_l("A title of at most 200 characters is required."), "title")
    if time_limit_minutes is None or not 1 <= time_limit_minutes <= 600:
        raise TrainingError(_l("Enter a time limit between 1 and 600 minutes."), "time_limit_minutes")
    try:
        mark = Decimal(str(pass_mark))
    except (InvalidOperation, ValueError):
        mark = Decimal("-1")
    if not mark.is_finite() or not 0 <= mark <= 100:
        raise TrainingError(_l("Enter a pass mark between 0 and 100."), "pass_mark")
    if max_attempts is None or not 1 <= max_attempts <= 20:
        raise TrainingError(_l("Enter between 1 and 20 attempts."), "max_attempts")
    questions = list(session.scalars(select(BankQuestion).where(BankQuestion.id.in_(question_ids or [-1]),
                                                                BankQuestion.course_id == course.id,
                                                                BankQuestion.archived.is_(False))))
    if not questions:
        raise TrainingError(_l("Choose the questions of the exam."), "question_ids")
    exam = TrainingExam(course_id=course.id, title=title, time_limit_minutes=time_limit_minutes,
                        pass_mark=mark.quantize(Decimal("0.01")), max_attempts=max_attempts)
    exam.questions = questions
    session.add(exam)
    session.flush()
    return exam


def attempts_allowed(session: Any, exam: TrainingExam, user_id: int) -> int:
    extra = session.scalar(select(TrainingExtraAttempts.extra).where(TrainingExtraAttempts.exam_id == exam.id,
                                                                     TrainingExtraAttempts.user_id == user_id))
    return exam.max_attempts + (extra or 0)


def attempts_of(session: Any, exam_id: int, user_id: int) -> list[ExamAttempt]:
    return list(session.scalars(select(ExamAttempt).where(ExamAttempt.exam_id == exam_id,
                                                          ExamAttempt.user_id == user_id)
                                .order_by(ExamAttempt.number)))


def allow_more(session: Any, exam: TrainingExam, user_id: int, extra: int = 1) -> None:
    row = session.scalar(select(TrainingExtraAttempts).where(TrainingExtraAttempts.exam_id == exam.id,
                                                             TrainingExtraAttempts.user_id == user_id))
    if row is None:
        session.add(TrainingExtraAttempts(exam_id=exam.id, user_id=user_id, extra=extra))
    else:
        row.extra += extra
    session.flush()


def start(session: Any, exam: TrainingExam, person: Any, now: datetime | None = None) -> ExamAttempt:
    """The person's open attempt (to resume), or a new one if they have attempts left."""
    now = now or utcnow()
    if exam.archived or exam.course.archived:
        raise TrainingError(_l("This exam is closed."))
    attempts = attempts_of(session, exam.id, person.id)
    for attempt in attempts:
        if attempt.state == "open":
            if now <= attempt.deadline_at + GRACE:
                return attempt
            submit(session, attempt, {}, now=now)  # time ran out unsent: it counts, with what was saved
    if any(a.passed for a in attempts):
        raise TrainingError(_l("You passed this exam already."))
    if len(attempts) >= attempts_allowed(session, exam, person.id):
        raise TrainingError(_l("You have no attempts left; the trainer may allow another."))
    attempt = ExamAttempt(exam_id=exam.id, user_id=person.id, number=len(attempts) + 1, state="open",
                          started_at=now, deadline_at=now + timedelta(minutes=exam.time_limit_minutes))
    try:
        with session.begin_nested():
            session.add(attempt)
            session.flush()
    except IntegrityError:
        # Started twice at once (a double click): the other request's attempt is the one.
        found = session.scalar(select(ExamAttempt).where(ExamAttempt.exam_id == exam.id,
                                                         ExamAttempt.user_id == person.id,
                                                         ExamAttempt.number == len(attempts) + 1))
        if found is None:
            raise
        return found
    return attempt


def _choice_points(question: BankQuestion, choices: list[int]) -> Decimal:
    """All or nothing: the exact set of right choices earns the question's points."""
    return Decimal(question.points) if sorted(set(choices)) == sorted(question.correct) else Decimal("0")


def _clean_choices(question: BankQuestion, raw: Any) -> list[int]:
    values = raw if isinstance(raw, list | tuple) else [raw]
    picked = []
    for value in values:
        try:
            index = int(value)
        except (TypeError, ValueError):
            continue
        if 0 <= index < len(question.options):
            picked.append(index)
    picked = sorted(set(picked))
    return picked[:1] if question.kind == "single" else picked


def submit(session: Any, attempt: ExamAttempt, answers: Mapping[int, Any], now: datetime | None = None) -> bool:
    """Record the answers and grade what can be graded. Returns False (and records nothing) when the attempt was
    submitted already, e.g. by a second request at the same moment."""
    now = now or utcnow()
    late = now > attempt.deadline_at + GRACE
    claimed = session.execute(update(ExamAttempt).where(ExamAttempt.id == attempt.id, ExamAttempt.state == "open")
                              .values(state="submitted", submitted_at=now, late=late)
                              .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        session.refresh(attempt)
        return False
    session.refresh(attempt)
    for question in attempt.exam.questions:
        raw = answers.get(question.id)
        if question.kind == "short":
            text = (raw if isinstance(raw, str) else "").strip()[:5000] or None
            session.add(ExamAnswer(attempt_id=attempt.id, question_id=question.id, text=text,
                                   points=None if text else Decimal("0")))
        else:
            choices = _clean_choices(question, raw)
            session.add(ExamAnswer(attempt_id=attempt.id, question_id=question.id, choices=choices,
                                   points=_choice_points(question, choices)))
    session.flush()
    session.refresh(attempt)
    _finish_if_graded(session, attempt)
    return True


def grade_answer(session: Any, answer: ExamAnswer, points: Any) -> None:
    """The trainer's points for a short answer (0 to the question's points)."""
    if answer.question.kind != "short":
        raise TrainingError(_l("Choice questions are graded automatically."))
    try:
        value = Decimal(str(points))
    except (InvalidOperation, ValueError):
        value = Decimal("-1")
    if not value.is_finite() or not 0 <= value <= answer.question.points:
        raise TrainingError(_l("Enter between 0 and %(max)s points.", max=answer.question.points), "points")
    if answer.attempt.state == "graded":
        raise TrainingError(_l("This attempt is graded already."))
    answer.points = value.quantize(Decimal("0.01"))
    session.flush()
    _finish_if_graded(session, answer.attempt)


def _finish_if_graded(session: Any, attempt: ExamAttempt) -> None:
    if attempt.state != "submitted" or any(a.points is None for a in attempt.answers):
        return
    possible = sum((Decimal(q.points) for q in attempt.exam.questions), Decimal("0"))
    earned = sum((a.points for a in attempt.answers), Decimal("0"))
    attempt.score = (earned * HUNDRED / possible).quantize(Decimal("0.01")) if possible else Decimal("0")
    attempt.passed = not attempt.late and attempt.score >= attempt.exam.pass_mark
    attempt.state = "graded"
    session.flush()
    _tell_result(attempt)
    if attempt.passed:
        issue_certificate(session, attempt)


def _tell_result(attempt: ExamAttempt) -> None:
    """Results feed back to the person and their supervisor (R3.2.4)."""
    from core.notifications.service import notify

    person = attempt.user
    url = f"/training/attempts/{attempt.id}"
    message = (_l("You passed %(exam)s with %(score)s%%.") if attempt.passed
               else _l("Your result in %(exam)s: %(score)s%%, not passed."))
    notify(person, message, url, exam=attempt.exam.title, score=attempt.score)
    if person.superior is not None and person.superior.active:
        notify(person.superior, _l("%(name)s scored %(score)s%% in %(exam)s."), url, name=person.name,
               exam=attempt.exam.title, score=attempt.score)


def issue_certificate(session: Any, attempt: ExamAttempt) -> TrainingCertificate | None:
    """One certificate per person and course; passing completes their assignment of the course."""
    from plugins.training.services.assignments import complete_course_for

    course_id = attempt.exam.course_id
    if session.scalar(select(TrainingCertificate.id).where(TrainingCertificate.user_id == attempt.user_id,
                                                           TrainingCertificate.course_id == course_id)):
        return None
    year = attempt.submitted_at.year if attempt.submitted_at else utcnow().year
    certificate = TrainingCertificate(number=f"TR-{year}-{attempt.id:06d}", user_id=attempt.user_id,
                                      course_id=course_id, attempt_id=attempt.id, score=attempt.score)
    session.add(certificate)
    session.flush()
    complete_course_for(session, [attempt.user_id], course_id)
    return certificate


def waiting_for_grading() -> Any:
    return select(ExamAttempt).where(ExamAttempt.state == "submitted")


def average_score(session: Any, exam_id: int) -> Decimal | None:
    value = session.scalar(select(func.avg(ExamAttempt.score)).where(ExamAttempt.exam_id == exam_id,
                                                                     ExamAttempt.state == "graded"))
    return Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else None
