"""Role escalation (issue 11 F1): nobody grants a permission they do not hold, with at least the same scope; nobody
manages an account wider than their own; only administrators manage administrators; the last one stays.

The managing roles are found from the seeded roles (every non-administrator role granted core.users.manage or
core.roles.manage), plus a custom role that holds both with a team-scoped grant, so that the role editor and the
scope rule are tried too. Every way of granting is tried against every permission (and wider scope) each lacks."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from core.identity.models import Grant, Permission, Role, User
from core.identity.passwords import verify_password
from core.identity.roles import create_role, set_grants
from core.identity.users import UserError, create_user, deactivate_user, update_user
from core.security import SCOPE_ORDER, clear_access_cache, scope_for

MANAGE = ("core.users.manage", "core.roles.manage")
SCOPES = ("own", "team", "all")


def body(response):
    return response.get_data(as_text=True)


@pytest.fixture
def world(db, make_user):
    """Managing actors (one user per managing role), probe roles with one grant each, and some targets."""
    seeded = [role for role in db.session.scalars(select(Role).where(Role.builtin).order_by(Role.code))
              if role.code != "admin" and {g.permission_code for g in role.grants} & set(MANAGE)]
    assert seeded, "no seeded role manages users or roles: the escalation suite would try nothing"
    record_level = set(db.session.scalars(select(Permission.code).where(Permission.record_level)))
    keeper = create_role(db.session, "keeper", "Keeper")
    some_record_level = sorted(record_level)[0]
    set_grants(db.session, keeper, "Keeper", {"core.users.manage": "all", "core.roles.manage": "all",
                                              some_record_level: "team"})
    db.session.commit()
    actors = [make_user(f"actor_{role.code}", roles=[role.code], locale="en") for role in [*seeded, keeper]]

    # One probe role for each permission and scope: giving it is granting exactly that.
    probes: dict[tuple[str, str], str] = {}
    for n, code in enumerate(sorted(db.session.scalars(select(Permission.code)))):
        for scope in SCOPES if code in record_level else ("all",):
            role = create_role(db.session, f"probe{n}_{scope}", f"Probe {code} {scope}")
            set_grants(db.session, role, role.name, {code: scope})
            probes[(code, scope)] = role.code
    db.session.commit()
    plain = make_user("plain", roles=[])  # someone every manager may manage
    return SimpleNamespace(actors=actors, probes=probes, keeper=keeper, plain=plain)


def lacking(actor, probes):
    """The probe roles granting what ``actor`` does not hold as widely."""
    clear_access_cache()
    found = []
    for (code, scope), role_code in probes.items():
        mine = scope_for(actor, code)
        if mine is None or SCOPE_ORDER[mine] < SCOPE_ORDER[scope]:
            found.append(role_code)
    return found


def roles_of(db, login):
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.login == login))
    return None if user is None else sorted(role.code for role in user.roles)


def test_the_new_user_form_refuses_every_role_beyond_the_actor(client, login_as, db, world):
    failures = []
    for actor in world.actors:
        login_as(actor)
        for role_code in [*lacking(actor, world.probes), "admin"]:
            login = f"n-{actor.id}-{role_code}"
            response = client.post("/admin/users/new", data={
                "login": login, "name": "N", "position": "other", "department_id": "None", "superior_id": "",
                "locale": "", "roles": [role_code], "password": "",
            })
            if roles_of(db, login) is not None or 'class="field-error"' not in body(response):
                failures.append((actor.login, role_code, response.status_code))
    assert not failures


def test_the_edit_form_refuses_to_add_a_role_beyond_the_actor(client, login_as, db, world):
    failures = []
    for actor in world.actors:
        login_as(actor)
        for role_code in [*lacking(actor, world.probes), "admin"]:
            response = client.post(f"/admin/users/{world.plain.id}/edit", data={
                "name": "Plain", "position": "other", "department_id": "None", "superior_id": "",
                "locale": "", "roles": [role_code],
            })
            if roles_of(db, "plain") != [] or response.status_code != 200:
                failures.append((actor.login, role_code, response.status_code))
    assert not failures


def test_the_import_refuses_roles_beyond_the_actor(client, login_as, db, world):
    for actor in world.actors:
        login_as(actor)
        beyond = [*lacking(actor, world.probes), "admin"]
        csv = "login,name,roles\n" + "".join(f"i-{actor.id}-{code},I,{code}\n" for code in beyond)
        response = client.post("/admin/users/import", data={"file": (io.BytesIO(csv.encode()), "people.csv"),
                                                            "dry_run": ""}, content_type="multipart/form-data")
        assert response.status_code == 200
        assert body(response).count("you may not give the roles") == len(beyond), actor.login
        assert db.session.scalar(select(func.count()).select_from(User)
                                 .where(User.login.like(f"i-{actor.id}-%"))) == 0


def test_the_cli_acting_as_someone_refuses_roles_beyond_them(cli_runner, db, world):
    failures = []
    for actor in world.actors:
        for role_code in [*lacking(actor, world.probes), "admin"]:
            login = f"c-{actor.id}-{role_code}"
            result = cli_runner("users", "create", login, "--name", "C", "--role", role_code, "--generate",
                                "--as", actor.login)
            if result.exit_code == 0 or "Refused" not in result.output or roles_of(db, login) is not None:
                failures.append((actor.login, role_code, result.exit_code))
    assert not failures


def test_the_cli_import_acting_as_someone_refuses_roles_beyond_them(cli_runner, db, world, tmp_path):
    actor = world.actors[0]
    path = tmp_path / "people.csv"
    path.write_text("login,name,roles\ncliimp,Imp,admin\n", encoding="utf-8")
    result = cli_runner("users", "import", str(path), "--as", actor.login)
    assert result.exit_code != 0 and "line 2 (cliimp)" in result.output and roles_of(db, "cliimp") is None


def test_a_plain_cli_operator_is_trusted(cli_runner, db):
    """No --as: the operator can reach the database anyway, and must be able to make the first administrator."""
    result = cli_runner("users", "create", "firstadmin", "--name", "First", "--role", "admin", "--generate")
    assert result.exit_code == 0 and roles_of(db, "firstadmin") == ["admin"]


def test_the_role_editor_refuses_grants_beyond_the_editor(client, login_as, db, world):
    editors = [actor for actor in world.actors if any(g.permission_code == "core.roles.manage"
                                                      for role in actor.roles for g in role.grants)]
    assert editors
    target = create_role(db.session, "target", "Target")
    db.session.commit()
    failures = []
    for actor in editors:
        login_as(actor)
        own_role = actor.roles[0]
        for role_code in lacking(actor, world.probes):
            (code, scope), = [key for key, value in world.probes.items() if value == role_code]
            for role in (target, own_role):  # a role of someone else's, and the editor's own
                kept = {g.permission_code: g.scope for g in role.grants}
                grants = sorted({*kept, code})
                response = client.post(f"/admin/roles/{role.id}/edit", data={
                    "name": role.name, "grant": grants, **{f"scope-{c}": kept.get(c, "all") for c in kept},
                    f"scope-{code}": scope})
                db.session.expire_all()
                stored = db.session.scalar(select(Grant.scope).where(Grant.role_id == role.id,
                                                                     Grant.permission_code == code))
                widened = stored is not None and (code not in kept or SCOPE_ORDER[stored] > SCOPE_ORDER[kept[code]])
                if widened or response.status_code != 403:
                    failures.append((actor.login, role.code, code, scope, response.status_code))
    assert not failures
    # The administrator role is the administrators' own.
    admin_role = db.session.scalar(select(Role).where(Role.code == "admin"))
    login_as(editors[0])
    assert client.post(f"/admin/roles/{admin_role.id}/edit", data={"name": "Admin", "grant": []}).status_code == 403


def test_the_role_editor_still_narrows_and_keeps_what_the_editor_lacks(client, login_as, db, world):
    """Renaming a role, or narrowing it, does not require holding everything it grants."""
    editor = next(actor for actor in world.actors if actor.login == "actor_keeper")
    manager_role = db.session.scalar(select(Role).where(Role.code == "sales_manager"))
    kept = {g.permission_code: g.scope for g in manager_role.grants}
    assert kept
    login_as(editor)
    response = client.post(f"/admin/roles/{manager_role.id}/edit", data={
        "name": "Sales manager", "grant": sorted(kept), **{f"scope-{c}": s for c, s in kept.items()}})
    assert response.status_code == 302


@pytest.fixture
def wider(db, make_user, world):
    """People every seeded manager lacks something of: an administrator and a sales manager."""
    return [make_user("boss2", roles=["admin"]), make_user("mgr", roles=["sales_manager"])]


def test_a_wider_account_cannot_be_opened_reset_or_deactivated(app, client, login_as, db, world, wider):
    tried = 0
    for actor in world.actors:
        login_as(actor)
        clear_access_cache()
        for target in wider:
            if lacking_any(actor, target):
                check_refused(client, db, actor, target)
                tried += 1
    assert tried >= len(world.actors)  # each manager meets at least the administrator


def lacking_any(actor, target):
    """Whether ``target`` is an administrator or holds a grant ``actor`` lacks (or holds more widely)."""
    if any(role.code == "admin" for role in target.roles):
        return True
    record_level = set(select_codes())
    for role in target.roles:
        for grant in role.grants:
            scope = grant.scope if grant.permission_code in record_level else "all"
            mine = scope_for(actor, grant.permission_code)
            if mine is None or SCOPE_ORDER[mine] < SCOPE_ORDER[scope]:
                return True
    return False


def select_codes():
    from core.extensions import db

    return db.session.scalars(select(Permission.code).where(Permission.record_level))


def check_refused(client, db, actor, target):
    before = db.session.scalar(select(User.password_hash).where(User.id == target.id))
    edit = client.get(f"/admin/users/{target.id}/edit")
    assert edit.status_code == 403 and "administrator" in body(edit), (actor.login, target.login)
    assert client.get(f"/admin/users/{target.id}/password").status_code == 403
    assert client.post(f"/admin/users/{target.id}/password", data={"password": "Taken-over-2026"}).status_code == 403
    assert client.post(f"/admin/users/{target.id}/edit", data={
        "name": "Renamed", "position": "other", "department_id": "None", "superior_id": "", "locale": "",
        "roles": []}).status_code == 403
    assert client.post(f"/admin/users/{target.id}/deactivate").status_code == 403
    db.session.expire_all()
    user = db.session.get(User, target.id)
    assert user.active and user.password_hash == before and user.name != "Renamed" and user.roles
    user.active = False  # deactivated by someone allowed to; reactivating is managing too
    db.session.commit()
    assert client.post(f"/admin/users/{target.id}/reactivate").status_code == 403
    db.session.expire_all()
    user = db.session.get(User, target.id)
    assert not user.active
    user.active = True
    db.session.commit()


def test_the_users_list_and_form_offer_only_what_the_actor_may_do(client, login_as, db, world, wider):
    hr = next(actor for actor in world.actors if actor.login == "actor_hr")
    login_as(hr)
    page = body(client.get("/admin/users?q=boss2"))
    assert "boss2" in page and f"/admin/users/{wider[0].id}/edit" not in page
    assert f"/admin/users/{world.plain.id}/edit" in body(client.get("/admin/users?q=plain"))
    offered = set(re.findall(r'name="roles" type="checkbox" value="([^"]+)"', body(client.get("/admin/users/new"))))
    assert "hr" in offered and "admin" not in offered
    assert not offered & set(lacking(hr, world.probes))


def test_a_manager_still_manages_people_within_their_rights(client, login_as, db, world):
    hr = next(actor for actor in world.actors if actor.login == "actor_hr")
    login_as(hr)
    assert client.get(f"/admin/users/{world.plain.id}/edit").status_code == 200
    response = client.post("/admin/users/new", data={
        "login": "hr-made", "name": "H", "position": "hr", "department_id": "None", "superior_id": "",
        "locale": "", "roles": ["hr"], "password": "Staff-pass-2026x"})
    assert response.status_code == 302, re.findall(r'field-error">([^<]*)', body(response))
    assert roles_of(db, "hr-made") == ["hr"]
    response = client.post(f"/admin/users/{world.plain.id}/password", data={"password": "Fresh-secret-2026"})
    assert response.status_code == 302
    db.session.expire_all()
    assert verify_password(db.session.get(User, world.plain.id).password_hash, "Fresh-secret-2026")


def test_the_service_refuses_whatever_the_caller(db, world, make_user):
    from core.identity.access import AccessRefused

    hr = next(actor for actor in world.actors if actor.login == "actor_hr")
    boss = make_user("boss3", roles=["admin"])
    with pytest.raises(AccessRefused):
        create_user(db.session, login="sneaky", name="S", roles=["admin"], actor=hr)
    db.session.rollback()
    with pytest.raises(AccessRefused):
        update_user(db.session, boss, name="Mine now", actor=hr)
    db.session.rollback()
    rep = make_user("rep-x", roles=["sales_rep"])
    with pytest.raises(AccessRefused):  # not a user manager at all
        deactivate_user(db.session, boss, actor=rep)
    db.session.rollback()
    # Trusted server code (actor None), e.g. another plugin's hiring service, may still give any role.
    assert create_user(db.session, login="trusted", name="T", roles=["admin"]).roles[0].code == "admin"


def test_the_last_active_administrator_is_kept_whoever_asks(client, login_as, cli_runner, db, make_user):
    boss = make_user("onlyboss", roles=["admin"], locale="en")
    assert db.session.scalar(select(func.count()).select_from(User).where(
        User.active, User.roles.any(Role.code == "admin"))) == 1
    result = cli_runner("users", "deactivate", "onlyboss")  # the trusted operator too
    assert result.exit_code != 0 and "Error" in result.output
    with pytest.raises(UserError):
        update_user(db.session, boss, roles=["hr"])
    db.session.rollback()
    login_as(boss)
    response = client.post(f"/admin/users/{boss.id}/edit", data={
        "name": "Boss", "position": "admin", "department_id": "None", "superior_id": "", "locale": "",
        "roles": ["hr"]})
    assert "last active administrator" in body(response)
    db.session.expire_all()
    assert roles_of(db, "onlyboss") == ["admin"] and db.session.get(User, boss.id).active
    # With a second administrator, one may go.
    make_user("secondboss", roles=["admin"])
    assert cli_runner("users", "deactivate", "onlyboss", "--as", "secondboss").exit_code == 0
    db.session.expire_all()
    assert not db.session.get(User, boss.id).active


# ---------------------------------------------------------------------------------------------------- the JSON API


def bearer_of(db, user):
    from core.api.tokens import create_token

    _token, secret = create_token(db.session, user.id, "escalation")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_the_api_refuses_every_role_beyond_the_caller(client, db, world):
    failures = []
    for actor in world.actors:
        headers = bearer_of(db, actor)
        for role_code in [*lacking(actor, world.probes), "admin"]:
            login = f"a-{actor.id}-{role_code}"
            created = client.post("/api/v1/users", headers=headers, json={"login": login, "name": "A",
                                                                          "roles": [role_code]})
            changed = client.patch(f"/api/v1/users/{world.plain.id}", headers=headers, json={"roles": [role_code]})
            answers = (created.status_code, changed.status_code)
            if answers != (403, 403) or roles_of(db, login) is not None or roles_of(db, "plain") != []:
                failures.append((actor.login, role_code, answers))
    assert not failures
    message = client.post("/api/v1/users", headers=bearer_of(db, world.actors[0]),
                          json={"login": "x1", "name": "X", "roles": ["admin"]}).get_json()["error"]["message"]
    assert "administrator" in message


def test_the_api_role_editor_refuses_grants_beyond_the_caller(client, db, world):
    editors = [actor for actor in world.actors if any(g.permission_code == "core.roles.manage"
                                                      for role in actor.roles for g in role.grants)]
    target = create_role(db.session, "apitarget", "API target")
    db.session.commit()
    failures = []
    for actor in editors:
        headers = bearer_of(db, actor)
        for role_code in lacking(actor, world.probes):
            (code, scope), = [key for key, value in world.probes.items() if value == role_code]
            response = client.put(f"/api/v1/roles/{target.id}/grants", headers=headers, json={"grants": {code: scope}})
            db.session.expire_all()
            if response.status_code != 403 or db.session.get(Role, target.id).grants:
                failures.append((actor.login, code, scope, response.status_code))
    assert not failures


def test_the_api_refuses_to_manage_a_wider_account(client, db, world, wider):
    for actor in world.actors:
        headers = bearer_of(db, actor)
        clear_access_cache()
        for target in wider:
            if not lacking_any(actor, target):
                continue
            before = db.session.scalar(select(User.password_hash).where(User.id == target.id))
            assert client.patch(f"/api/v1/users/{target.id}", headers=headers, json={"name": "Mine"}).status_code == 403
            assert client.post(f"/api/v1/users/{target.id}/password", headers=headers, json={}).status_code == 403
            assert client.post(f"/api/v1/users/{target.id}/deactivate", headers=headers).status_code == 403
            db.session.expire_all()
            user = db.session.get(User, target.id)
            assert user.active and user.name != "Mine" and user.password_hash == before
            user.active = False
            db.session.commit()
            assert client.post(f"/api/v1/users/{target.id}/reactivate", headers=headers).status_code == 403
            db.session.expire_all()
            user = db.session.get(User, target.id)
            assert not user.active
            user.active = True
            db.session.commit()


def test_the_api_keeps_the_last_administrator_and_lets_a_manager_work(client, db, make_user, world):
    boss = make_user("apiboss", roles=["admin"], locale="en")
    others = select(User).where(User.active, User.id != boss.id, User.roles.any(Role.code == "admin"))
    for other in db.session.scalars(others):
        other.active = False
    db.session.commit()
    helper = make_user("apihelper", roles=[], locale="en")
    helper_headers = bearer_of(db, helper)
    headers = bearer_of(db, boss)
    assert client.post(f"/api/v1/users/{boss.id}/deactivate", headers=headers).status_code == 409  # oneself
    assert client.patch(f"/api/v1/users/{boss.id}", headers=headers, json={"roles": []}).status_code == 409
    db.session.expire_all()
    assert roles_of(db, "apiboss") == ["admin"]
    assert client.post("/api/v1/users", headers=helper_headers, json={"login": "h", "name": "H"}).status_code == 403
    hr = next(actor for actor in world.actors if actor.login == "actor_hr")
    created = client.post("/api/v1/users", headers=bearer_of(db, hr), json={"login": "api-made", "name": "M",
                                                                            "roles": ["hr"]})
    assert created.status_code == 201 and created.get_json()["password"]
    assert roles_of(db, "api-made") == ["hr"]
