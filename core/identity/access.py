"""Who may give which roles and permissions, and whose account they may change (issue 11 F1).

The rule, enforced here for every way in (admin pages, JSON API, CLI ``--as``, user import, role editor):

- nobody grants a permission they do not hold themselves, with at least the same scope (own < team < all); giving a
  role is granting every one of its grants;
- nobody edits, resets the password of, deactivates or reactivates a person who holds a permission they lack, or
  holds it with a wider scope: that would let them take over the wider account;
- only administrators make, change or manage administrators (the administrator role holds everything);
- the last active administrator is never deactivated or demoted (core.identity.users._keep_an_administrator).

``actor`` None means a trusted caller (server code, an operator's CLI command without ``--as``, tests): then only
the last-administrator rule applies. Every other actor must be an active user who holds ``core.users.manage``
(for users) or ``core.roles.manage`` (for roles)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.identity.models import Permission, Role, User
from core.identity.users import UserError
from core.security import ADMIN_ROLE, SCOPE_ORDER, _record_level_codes, can, is_admin, scope_for

USERS_PERMISSION = "core.users.manage"
ROLES_PERMISSION = "core.roles.manage"


class AccessRefused(UserError):
    """The actor may not do this to this account or with these roles: 403 for the API, a message for pages."""


def effective_scope(code: str, scope: str) -> str:
    """A grant's scope as access checks read it: "all" for a permission that is not record-level."""
    return scope if code in _record_level_codes() else "all"


def role_grants(role: Role) -> dict[str, str]:
    """{permission code: effective scope} that holding ``role`` gives."""
    return {grant.permission_code: effective_scope(grant.permission_code, grant.scope) for grant in role.grants}


def holds(actor: Any, code: str, scope: str) -> bool:
    """Whether ``actor`` holds ``code`` with ``scope`` or wider (administrators hold everything with "all")."""
    mine = scope_for(actor, code)
    return mine is not None and SCOPE_ORDER[mine] >= SCOPE_ORDER[effective_scope(code, scope)]


def missing_grants(actor: Any, grants: dict[str, str]) -> list[str]:
    """The permission codes of ``grants`` that ``actor`` does not hold as widely, sorted."""
    return sorted(code for code, scope in grants.items() if not holds(actor, code, scope))


def may_grant_role(actor: Any, role: Role) -> bool:
    if actor is None or is_admin(actor):
        return True
    return role.code != ADMIN_ROLE and not missing_grants(actor, role_grants(role))


def grantable_role_codes(session: Any, actor: Any) -> set[str]:
    """The codes of the roles ``actor`` may give: one query for every role and its grants (there are few)."""
    return {role.code for role in session.scalars(select(Role)) if may_grant_role(actor, role)}


def may_manage(actor: Any, target: User, grantable: set[str] | None = None) -> bool:
    """Whether ``actor`` may edit, reset the password of, deactivate or reactivate ``target``: they hold every
    permission ``target`` holds, as widely (so: every one of their roles is one ``actor`` may give).

    ``grantable`` (from grantable_role_codes) saves the per-role check when a list asks for many people."""
    if actor is None:
        return True
    if not can(actor, USERS_PERMISSION):
        return False
    if is_admin(actor):
        return True
    if grantable is not None:
        return all(role.code in grantable for role in target.roles)
    return all(may_grant_role(actor, role) for role in target.roles)


def _labels(session: Any, codes: Iterable[str]) -> str:
    """The permissions' labels in the reader's language (stored as their English source, like the role editor's)."""
    codes = list(codes)
    labels = dict(session.execute(select(Permission.code, Permission.label).where(Permission.code.in_(codes))).all())
    return "; ".join(gettext(labels[code]) if code in labels else code for code in codes)


def role_label(role: Role) -> str:
    return gettext(role.name) if role.builtin else role.name


def check_may_manage(session: Any, actor: Any, target: User) -> None:
    """Raise AccessRefused unless ``actor`` may change ``target``'s account (see may_manage)."""
    if actor is None:
        return
    if not can(actor, USERS_PERMISSION):
        raise AccessRefused(_l("You may not manage people."))
    if is_admin(actor):
        return
    if is_admin(target):
        raise AccessRefused(_l("Only an administrator can change an administrator's account."))
    lacking = sorted({code for role in target.roles for code in missing_grants(actor, role_grants(role))})
    if lacking:
        raise AccessRefused(_l("%(name)s holds permissions you do not hold yourself (%(permissions)s); only someone "
                               "who holds them, or an administrator, can change this account.",
                               name=target.name, permissions=_labels(session, lacking)))


def check_grantable_roles(session: Any, actor: Any, roles: Iterable[Role]) -> None:
    """Raise AccessRefused (on the roles field) unless ``actor`` may give every one of ``roles``."""
    if actor is None:
        return
    if not can(actor, USERS_PERMISSION):
        raise AccessRefused(_l("You may not manage people."))
    if is_admin(actor):
        return
    for role in roles:
        if role.code == ADMIN_ROLE:
            raise AccessRefused(_l("Only an administrator can make someone an administrator."), "roles")
        lacking = missing_grants(actor, role_grants(role))
        if lacking:
            raise AccessRefused(_l("You cannot give the role %(role)s: it grants what you do not hold yourself "
                                   "(%(permissions)s).", role=role_label(role),
                                   permissions=_labels(session, lacking)), "roles")


def check_role_edit(session: Any, actor: Any, role: Role, grants: dict[str, str]) -> None:
    """Raise AccessRefused unless ``actor`` may give ``role`` the grants ``grants`` ({code: scope}).

    An editor adds a permission, or widens its scope, only as far as they hold it themselves; grants the role has
    already may stay or narrow (renaming a role does not require holding all it grants)."""
    if actor is None:
        return
    if not can(actor, ROLES_PERMISSION):
        raise AccessRefused(_l("You may not edit roles."))
    if is_admin(actor):
        return
    if role.code == ADMIN_ROLE:
        raise AccessRefused(_l("Only an administrator can change the administrator role."))
    current = role_grants(role)
    lacking = sorted(
        code for code, scope in grants.items()
        if not holds(actor, code, scope)
        and not (code in current and SCOPE_ORDER[effective_scope(code, scope)] <= SCOPE_ORDER[current[code]])
    )
    if lacking:
        raise AccessRefused(_l("You cannot grant what you do not hold yourself, or more widely than you hold it: "
                               "%(permissions)s.", permissions=_labels(session, lacking)), "grants")
