"""The signed-in user is read into a plain object (issue 18: the shell cost); views that need the ORM ``User`` get
it on first use, and from then on reads and writes go to it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select

from core.auth.sessions import load_user, new_session_identity
from core.extensions import db
from core.identity.models import Department, User
from core.identity.session import SignedInUser, orm_user


def _statements(run: Any) -> tuple[Any, list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        return run(), seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_the_row_answers_without_the_orm_and_the_orm_answers_the_rest(app, make_user):
    boss = make_user("boss", roles=["sales_manager", "sales_rep"], locale="en")
    make_user("rep", superior_id=boss.id)
    identity = new_session_identity(boss)
    with app.test_request_context("/"):
        user, loading = _statements(lambda: load_user(identity))
        assert isinstance(user, SignedInUser) and len(loading) == 1
        (name, locale, codes, team, page_id), reading = _statements(
            lambda: (user.name, user.locale, sorted(r.code for r in user.roles), user.has_subordinates,
                     user.get_id()))
        assert (name, locale, codes, team) == ("Boss", "en", ["sales_manager", "sales_rep"], True)
        assert page_id == f"{boss.id}:{boss.session_token}" and reading == []
        assert user.is_authenticated and user.is_active and not user.is_anonymous
        assert user == db.session.get(User, boss.id) and db.session.get(User, boss.id) == user

        # A relationship: the ORM object is loaded, and it is the session's own.
        assert user.department is None
        assert orm_user(user) is db.session.get(User, boss.id)


def test_a_write_goes_to_the_orm_object_and_later_reads_see_it(app, make_user):
    person = make_user("person", locale="en")
    department = Department(name="East")
    db.session.add(department)
    db.session.commit()
    identity = new_session_identity(person)
    person_id, department_id = person.id, department.id
    with app.test_request_context("/"):
        user = load_user(identity)
        user.locale = "zh_Hans"
        user.department = department  # assigning an ORM object to the plain one's relationship
        assert user.locale == "zh_Hans" and user.department.name == "East"
        db.session.commit()
    db.session.remove()
    assert db.session.execute(select(User.locale, User.department_id).where(User.id == person_id)).one() == \
        ("zh_Hans", department_id)


def test_an_orm_object_may_point_at_the_plain_one(app, make_user):
    head = make_user("head", roles=["department_head"])
    identity = new_session_identity(head)
    with app.test_request_context("/"):
        user = load_user(identity)
        department = Department(name="West")
        db.session.add(department)
        department.head = user  # SQLAlchemy reaches the ORM object through _sa_instance_state
        db.session.commit()
        assert department.head_id == head.id
