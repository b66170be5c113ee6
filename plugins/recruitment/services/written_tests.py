"""Written tests (R3.1.3): papers of questions; sent to the candidate as a private link that must be opened before
it expires and answered within the paper's minutes (choice questions graded at once, written answers by a person),
or a result recorded by hand for a test taken on paper."""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from core.timeutil import utcnow
from plugins.recruitment.models import Application, Question, TestPaper, TestSession
from plugins.recruitment.services import RecruitmentError
from plugins.recruitment.services.stages import advance, ensure_active

#: Answers submitted up to this long after the deadline still count (the request was on its way).
GRACE = timedelta(seconds=30)
MAX_SCORE = Decimal("9999")


def parse_questions(text: str) -> list[dict[str, Any]]:
    """Questions in a plain format, blank line between questions: the first line is the question; lines starting
    with "-" are choices, "*" marks the right one; an optional last line "points: 10". No choices: written."""
    questions = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        points = Decimal("10")
        if lines[-1].lower().startswith(("points:", "分值:", "分值：")):
            raw = lines.pop().split(":", 1)[-1].split("：", 1)[-1].strip()
            try:
                points = Decimal(raw)
            except InvalidOperation as exc:
                raise RecruitmentError(_l("“%(value)s” is not a number of points.", value=raw), "questions") from exc
            if not points.is_finite() or not Decimal("0") < points <= Decimal("1000"):
                raise RecruitmentError(_l("Points are from 0 to 1000."), "questions")
        if not lines:
            continue
        options, correct = [], None
        for line in lines[1:]:
            if line.startswith("*"):
                correct = len(options)
                options.append(line[1:].strip())
            elif line.startswith("-"):
                options.append(line[1:].strip())
            else:
                raise RecruitmentError(_l("In “%(question)s”, start each choice with - (or * for the right one).",
                                          question=lines[0][:60]), "questions")
        if options and correct is None:
            raise RecruitmentError(_l("Mark the right choice of “%(question)s” with *.", question=lines[0][:60]),
                                   "questions")
        questions.append({"text": lines[0], "options": options, "correct": correct, "points": points})
    if not questions:
        raise RecruitmentError(_l("Write at least one question."), "questions")
    return questions


def create_paper(session: Any, user: Any, title: str, minutes: int, pass_score: Decimal,
                 questions_text: str) -> TestPaper:
    if not (title or "").strip():
        raise RecruitmentError(_l("Enter a title."), "title")
    if not isinstance(minutes, int) or not 1 <= minutes <= 600:
        raise RecruitmentError(_l("The time limit is from 1 to 600 minutes."), "minutes")
    questions = parse_questions(questions_text)
    total = sum(q["points"] for q in questions)
    if pass_score is None or not Decimal("0") <= pass_score <= total:
        raise RecruitmentError(_l("The pass mark is between 0 and the paper's total of %(total)s.", total=total),
                               "pass_score")
    paper = TestPaper(title=title.strip()[:200], minutes=minutes, pass_score=pass_score, created_by_id=user.id,
                      questions=[Question(**q) for q in questions])
    session.add(paper)
    session.flush()
    return paper


def issue_link(session: Any, application: Application, paper: TestPaper, user: Any) -> TestSession:
    """A private, random link for the candidate; it must be opened within the setting's days."""
    from core.settings import get_setting

    ensure_active(application)
    if application.stage != "test":
        raise RecruitmentError(_l("The application is not at the written test."))
    if not paper.active or not paper.questions:
        raise RecruitmentError(_l("Choose a test paper with questions."), "paper_id")
    row = TestSession(application_id=application.id, paper_id=paper.id, token=secrets.token_urlsafe(24),
                      link_expires_at=utcnow() + timedelta(days=int(get_setting("recruitment.test_link_days"))),
                      recorded_by_id=user.id)
    session.add(row)
    session.flush()
    return row


def session_for_token(session: Any, token: str) -> TestSession | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(select(TestSession).where(TestSession.token == token))


def link_problem(test: TestSession | None, now: Any = None) -> str | None:
    """Why the link cannot be used now, or None."""
    now = now or utcnow()
    if test is None:
        return str(_l("This test link is not valid."))
    if test.submitted_at is not None:
        return str(_l("This test was submitted already. Thank you."))
    if test.started_at is None and test.link_expires_at is not None and now > test.link_expires_at:
        return str(_l("This test link has expired. Please contact us if you still wish to take the test."))
    if test.deadline_at is not None and now > test.deadline_at + GRACE:
        return str(_l("The time for this test is over."))
    return None


def start(session: Any, test: TestSession) -> None:
    """The candidate opened the test: the clock starts (once)."""
    problem = link_problem(test)
    if problem:
        raise RecruitmentError(problem)
    if test.started_at is None:
        now = utcnow()
        test.started_at = now
        test.deadline_at = now + timedelta(minutes=test.paper.minutes)
        session.flush()


def submit(session: Any, test: TestSession, answers: dict[str, str]) -> None:
    """Store the answers and grade the choice questions; refused after the time (and only once)."""
    problem = link_problem(test)
    if problem:
        raise RecruitmentError(problem)
    if test.started_at is None:
        raise RecruitmentError(_l("Open the test before answering."))
    clean = {str(q.id): (answers.get(str(q.id)) or "")[:5000] for q in test.paper.questions}
    score, maximum, written = Decimal("0"), Decimal("0"), False
    for question in test.paper.questions:
        maximum += question.points
        if question.options:
            if clean[str(question.id)] == str(question.correct):
                score += question.points
        else:
            written = True
    test.answers = clean
    test.submitted_at = utcnow()
    test.max_score = maximum
    test.score = score
    test.needs_marking = written
    test.passed = None if written else score >= test.paper.pass_score
    try:
        session.flush()
    except StaleDataError as exc:
        session.rollback()
        raise RecruitmentError(_l("This test was submitted already. Thank you.")) from exc


def _score(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise RecruitmentError(_l("Enter a number."), field) from exc
    if not number.is_finite() or not Decimal("0") <= number <= MAX_SCORE:
        raise RecruitmentError(_l("Enter a number from 0 to 9999."), field)
    return number


def mark_written(session: Any, test: TestSession, user: Any, marks: dict[str, Any]) -> None:
    """A person marks the written answers; the total then decides pass or fail against the paper's mark."""
    if test.submitted_at is None or not test.needs_marking:
        raise RecruitmentError(_l("Nothing to mark on this test."))
    total = Decimal("0")
    for question in test.paper.questions:
        if question.options:
            if test.answers.get(str(question.id)) == str(question.correct):
                total += question.points
            continue
        mark = _score(marks.get(str(question.id)), f"q{question.id}")
        if mark > question.points:
            raise RecruitmentError(_l("At most %(points)s points for this question.", points=question.points),
                                   f"q{question.id}")
        total += mark
    test.score = total
    test.needs_marking = False
    test.passed = total >= test.paper.pass_score
    test.recorded_by_id = user.id
    session.flush()


def record_by_hand(session: Any, application: Application, user: Any, score: Any, max_score: Any,
                   passed: bool, note: str | None = None) -> TestSession:
    """A test taken on paper or elsewhere: the result as HR records it."""
    ensure_active(application)
    if application.stage != "test":
        raise RecruitmentError(_l("The application is not at the written test."))
    got, maximum = _score(score, "score"), _score(max_score, "max_score")
    if maximum == 0 or got > maximum:
        raise RecruitmentError(_l("The score is at most the maximum, which is above 0."), "score")
    row = TestSession(application_id=application.id, submitted_at=utcnow(), score=got, max_score=maximum,
                      passed=bool(passed), recorded_by_id=user.id, note=(note or "").strip() or None)
    session.add(row)
    session.flush()
    return row


def conclude(session: Any, application: Application, user: Any) -> str:
    """After a passed test, on to the interviews."""
    return advance(session, application, user)
