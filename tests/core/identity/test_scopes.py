"""Record scopes (DESIGN.md "Access", R2.1–R2.3): own / team (recursive) / all / no grant, through scoped(),
can(user, permission, obj) and team_ids()."""

from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import event, or_, select

from core.security import can, clear_access_cache, scope_for, scoped, team_ids


@pytest.fixture
def greetings(app, db, org, enable_plugin):
    from netsales_hello.services import post_greeting

    enable_plugin("hello")
    posted = {}
    for person in ("manager", "sup1", "sup2", "rep1", "rep2", "junior", "rep3", "hr"):
        posted[person] = post_greeting(db.session, getattr(org, person).id, f"hello from {person}").id
    db.session.commit()
    return posted


def visible(db, user):
    from netsales_hello.models import Greeting

    clear_access_cache()
    query = scoped(select(Greeting.author_id), Greeting, "hello.greeting.view", user)
    return set(db.session.scalars(query))


def test_team_is_every_subordinate_recursively_in_one_query(app, db, org):
    everyone_below = {org.manager.id, org.sup1.id, org.sup2.id, org.rep1.id, org.rep2.id, org.junior.id, org.rep3.id}
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        g.pop("_netsales_teams", None)
        team = team_ids(org.manager)
        again = team_ids(org.manager)  # cached for the request
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert team == again == everyone_below
    assert len(statements) == 1
    assert team_ids(org.sup1) == {org.sup1.id, org.rep1.id, org.rep2.id, org.junior.id}
    assert team_ids(org.rep1) == {org.rep1.id}


def test_a_reporting_line_set_in_this_transaction_counts(db, org):
    # The team is read on the connection; a superior just assigned, not yet flushed, is in it (as autoflush gave).
    from core.identity.org import team_member_ids

    org.rep3.superior_id = org.sup1.id
    assert org.rep3.id in team_member_ids(db.session, org.sup1.id)
    assert team_member_ids(db.session, org.sup2.id) == {org.sup2.id}
    db.session.rollback()
    assert team_member_ids(db.session, org.sup2.id) == {org.sup2.id, org.rep3.id}


def test_representative_sees_own_supervisor_team_manager_all(db, org, greetings):
    assert visible(db, org.rep1) == {org.rep1.id}
    # sup1's team includes junior, who reports to rep2: the team is recursive.
    assert visible(db, org.sup1) == {org.sup1.id, org.rep1.id, org.rep2.id, org.junior.id}
    assert visible(db, org.manager) == {p.id for p in (org.manager, org.sup1, org.sup2, org.rep1, org.rep2,
                                                       org.junior, org.rep3, org.hr)}
    assert visible(db, org.admin) == visible(db, org.manager)


def test_no_grant_means_no_rows_and_no_access(db, make_user, greetings):
    from netsales_hello.models import Greeting

    nobody = make_user("finance_less", roles=[])
    assert visible(db, nobody) == set()
    assert scope_for(nobody, "hello.greeting.view") is None
    assert not can(nobody, "hello.greeting.view", db.session.get(Greeting, greetings["rep1"]))


def test_deactivated_user_reaches_nothing(db, org, greetings):
    org.manager.active = False
    db.session.commit()
    assert visible(db, org.manager) == set()


def test_can_checks_the_records_owner_against_the_scope(db, org, greetings):
    from netsales_hello.models import Greeting

    clear_access_cache()
    mine, colleagues, juniors = (db.session.get(Greeting, greetings[k]) for k in ("rep1", "rep3", "junior"))
    assert can(org.rep1, "hello.greeting.view", mine)
    assert not can(org.rep1, "hello.greeting.view", colleagues)
    assert can(org.rep1, "hello.greeting.view")  # holding the permission, without a record
    assert can(org.sup1, "hello.greeting.view", juniors)
    assert not can(org.sup1, "hello.greeting.view", colleagues)
    assert can(org.manager, "hello.greeting.view", colleagues)


def test_a_scope_on_a_permission_that_is_not_record_level_does_not_limit(db, org, greetings):
    from netsales_hello.models import Greeting

    clear_access_cache()
    colleagues = db.session.get(Greeting, greetings["rep3"])
    # hello.greeting.create is not record-level: holding it is enough, whoever owns the record.
    assert can(org.rep1, "hello.greeting.create", colleagues)


def test_scoped_refuses_a_model_without_an_owner_column(db, org):
    from core.identity.models import Department

    with pytest.raises(TypeError, match="__owner__"):
        scoped(select(Department), Department, "hello.greeting.view", org.rep1)


def test_a_permission_check_veto_still_denies(make_app, temp_plugin, make_user):
    temp_plugin("vetoer", hooks="""
        @hookimpl
        def permission_check(user, permission, obj):
            return False if permission == "core.users.manage" else None
    """)
    app = make_app()
    from core.setup import enable_plugins

    with app.app_context():
        enable_plugins(app, "vetoer")
        hr = make_user("hr2", roles=["hr"])
        assert not can(hr, "core.users.manage")


def test_a_statement_built_once_per_scope_sees_what_scoped_sees(db, org, greetings):
    # scope_condition / scope_parameters: the rule of scoped() with the user's id or team as parameters, so that a
    # list builds its statement once per scope (issue 18); on PostgreSQL the team is one array parameter.
    from netsales_hello.models import Greeting

    from core.security import scope_condition, scope_parameters

    postgresql = db.engine.dialect.name == "postgresql"
    built = {}
    for scope in ("own", "team", "all", None):
        condition = scope_condition(scope, Greeting.author_id, postgresql)
        built[scope] = select(Greeting.author_id) if condition is None else select(Greeting.author_id).where(condition)
    for person in ("rep1", "sup1", "manager", "hr"):
        user = getattr(org, person)
        clear_access_cache()
        scope = scope_for(user, "hello.greeting.view")
        rows = set(db.session.scalars(built[scope], scope_parameters(user, scope)))
        assert rows == visible(db, user), person


def test_statement_scope_gives_a_statement_built_once_per_scope_what_scoped_sees(app, db, org, greetings,
                                                                                  make_user):
    # statement_scope: the scope, whether its condition is written for PostgreSQL (a team's only: one array
    # parameter) and its parameters, for a statement kept per (scope, postgresql) by within_scope and run with the
    # parameters; a user without the grant and a signed-out visitor reach nothing.
    from flask_login import AnonymousUserMixin
    from netsales_hello.models import Greeting

    from core.security import statement_scope, within_scope

    built = {}
    on_postgresql = db.engine.dialect.name == "postgresql"
    readers = {name: getattr(org, name) for name in ("rep1", "sup1", "manager", "hr")}
    readers.update(clerk=make_user("clerk"), visitor=AnonymousUserMixin())
    for name, user in readers.items():
        clear_access_cache()
        with app.test_request_context():
            scope, postgresql, parameters = statement_scope(user, "hello.greeting.view")
        assert (scope, postgresql) == (scope_for(user, "hello.greeting.view"), scope == "team" and on_postgresql)
        if (scope, postgresql) not in built:
            built[scope, postgresql] = within_scope(select(Greeting.author_id), scope, Greeting.author_id, postgresql)
        found = set(db.session.scalars(built[scope, postgresql], parameters))
        assert found == (set() if name in ("clerk", "visitor") else visible(db, user)), name
    assert {scope for scope, _ in built} == {"own", "team", "all", None}


def test_a_scope_condition_with_the_users_values_bound_sees_what_scoped_sees(db, org, greetings):
    # scope_condition(…, values=scope_parameters(user, scope)): the same rule for a statement built for one request,
    # to which the caller adds conditions and runs without parameters of its own.
    from netsales_hello.models import Greeting

    from core.security import scope_condition, scope_parameters

    postgresql = db.engine.dialect.name == "postgresql"
    for person in ("rep1", "sup1", "manager", "hr"):
        user = getattr(org, person)
        clear_access_cache()
        scope = scope_for(user, "hello.greeting.view")
        condition = scope_condition(scope, Greeting.author_id, postgresql, scope_parameters(user, scope))
        stmt = select(Greeting.author_id) if condition is None else select(Greeting.author_id).where(condition)
        assert set(db.session.scalars(stmt)) == visible(db, user), person


def test_two_peoples_bound_scopes_may_meet_in_one_statement(db, org, greetings):
    # Each bound value is a parameter of its own: "what rep1 or rep3 may see" keeps both people's ids, and two
    # supervisors' teams both teams.
    from netsales_hello.models import Greeting

    from core.security import scope_condition, scope_parameters

    postgresql = db.engine.dialect.name == "postgresql"
    for pair in (("rep1", "rep3"), ("sup1", "sup2")):
        users = [getattr(org, person) for person in pair]
        conditions = []
        for user in users:
            scope = scope_for(user, "hello.greeting.view")
            conditions.append(scope_condition(scope, Greeting.author_id, postgresql, scope_parameters(user, scope)))
        rows = set(db.session.scalars(select(Greeting.author_id).where(or_(*conditions))))
        assert rows == visible(db, users[0]) | visible(db, users[1]), pair
        assert rows != visible(db, users[0]) and rows != visible(db, users[1]), pair
