"""Reference data kept per process under the "reference" change counter (core/reference_data.py, issue 18): every
flush that changes a marked model moves the counter, and a change made in any process is seen on the next request."""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from core.extensions import db
from core.identity.models import Department
from core.plugins.models import ChangeCounter
from core.reference_data import CHANGED_FLAG, cached_reference


def counter() -> int | None:
    return db.session.scalar(select(ChangeCounter.value).where(ChangeCounter.name == "reference"))


def test_any_flush_that_changes_a_department_moves_the_counter(app, make_user):
    seen = [counter()]
    department = Department(name="华东销售部")
    db.session.add(department)
    db.session.commit()
    seen.append(counter())
    department.name = "华东大区"
    db.session.commit()
    seen.append(counter())
    db.session.delete(department)
    db.session.commit()
    seen.append(counter())
    assert len(set(seen)) == 4, seen  # each change moved it
    make_user("unrelated")  # other models leave it alone
    assert counter() == seen[-1]


def test_a_value_is_kept_while_the_counter_holds_and_built_afresh_after_a_change(app):
    built = []

    def departments() -> list[str]:
        built.append(1)
        return sorted(db.session.scalars(select(Department.name)))

    with app.test_request_context("/"):
        g.netsales_counters = {"reference": counter()}  # as a request that read the counters
        first = cached_reference("test.departments", departments)
        assert cached_reference("test.departments", departments) == first and len(built) == 1
    with app.test_request_context("/"):
        db.session.add(Department(name="新部门"))
        db.session.flush()  # this request changed reference data: its own reads are fresh
        assert g.get(CHANGED_FLAG)
        assert "新部门" in cached_reference("test.departments", departments) and len(built) == 2
        db.session.commit()
    with app.test_request_context("/"):
        g.netsales_counters = {"reference": counter()}  # the next request reads the moved counter
        assert "新部门" in cached_reference("test.departments", departments) and len(built) == 3
    with app.test_request_context("/"):  # counters not read (a CLI command, a job): never from the cache
        cached_reference("test.departments", departments)
        assert len(built) == 4


def test_a_department_renamed_in_another_process_shows_in_a_filter_on_the_next_request(
        app, client, make_app, make_user, login_as):
    """The expenses claim list's department filter (a page of another plugin reading the cached departments)."""
    engine = app.extensions["netsales"]
    if "expenses" not in engine.plugins or not engine.is_enabled("expenses"):
        import pytest

        pytest.skip("the expenses plugin is not enabled")
    department = Department(name="旧名称部门")
    db.session.add(department)
    db.session.commit()
    login_as(make_user("head", roles=["sales_manager"], locale="zh_Hans", department_id=department.id))
    assert "旧名称部门" in client.get("/expenses/").get_data(as_text=True)
    other = make_app()
    with other.app_context():
        db.session.get(Department, department.id).name = "新名称部门"
        db.session.commit()
    page = client.get("/expenses/").get_data(as_text=True)
    assert "新名称部门" in page and "旧名称部门" not in page
