"""``netsales users``: create, list, set-password, deactivate, reactivate, import (issue 3 §6).

Who acts (issue 11 F1): whoever runs this command can already read and write the database with the instance's
configuration, so a plain command is a trusted operator (``actor`` None): it may create an administrator, which is how
the first one is made. ``--as LOGIN`` runs it on behalf of that person instead, under the same rules as their pages
(core/identity/access.py): only what they may do themselves, e.g. for a script HR runs. The last active
administrator is protected either way: that rule holds for every caller (core/identity/users.py)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from core.extensions import db
from core.identity.access import AccessRefused
from core.identity.importer import ImportFileError, import_users
from core.identity.models import POSITIONS, Department, User
from core.identity.users import (
    UserError,
    create_user,
    deactivate_user,
    generate_password,
    reactivate_user,
    set_password,
)

AS_HELP = "Act as this person, under their rights (see `netsales users --help`); without it, as a trusted operator."


@click.group("users", cls=AppGroup)  # AppGroup: each command runs in an app context
def users_group() -> None:
    """Create, list and import people; set a password; deactivate and reactivate.

    Without --as LOGIN a command acts as a trusted operator (who can reach the database anyway); with it, as that
    person, under the rights they have on the admin pages. The last active administrator is kept either way."""


def _find(login: str) -> User:
    user = db.session.scalar(select(User).where(func.lower(User.login) == login.strip().lower()))
    if user is None:
        raise click.ClickException(f"Nobody has the login {login}.")
    return user


def _acting(login: str | None) -> User | None:
    """The person ``--as`` names (active), or None for the trusted operator."""
    if not login:
        return None
    actor = _find(login)
    if not actor.active:
        raise click.ClickException(f"{actor.login} is deactivated and cannot act.")
    return actor


def _refusal(exc: UserError) -> click.ClickException:
    db.session.rollback()
    prefix = "Refused: " if isinstance(exc, AccessRefused) else ""
    return click.ClickException(prefix + str(exc))


@users_group.command("create")
@click.argument("login")
@click.option("--name", required=True, help="Full name, e.g. 王芳.")
@click.option("--email")
@click.option("--phone")
@click.option("--position", type=click.Choice(POSITIONS), default="other", show_default=True)
@click.option("--role", "roles", multiple=True, help="Role code; repeat for several (sales_rep, admin, ...).")
@click.option("--department", help="Department name.")
@click.option("--superior", help="Login of the superior.")
@click.option("--password", help="Leave out to be asked; --generate makes one.")
@click.option("--generate", is_flag=True, help="Generate a password and print it.")
@click.option("--as", "acting", metavar="LOGIN", help=AS_HELP)
def users_create(login: str, name: str, email: str | None, phone: str | None, position: str,
                 roles: tuple[str, ...], department: str | None, superior: str | None, password: str | None,
                 generate: bool, acting: str | None) -> None:
    """Create a user."""
    actor = _acting(acting)
    department_id = None
    if department:
        department_id = db.session.scalar(select(Department.id).where(Department.name == department))
        if department_id is None:
            raise click.ClickException(f"No department is called {department}.")
    superior_id = _find(superior).id if superior else None
    if generate:
        password = generate_password()
    elif not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(db.session, login=login, name=name, email=email, phone=phone, position=position,
                           roles=list(roles), department_id=department_id, superior_id=superior_id,
                           password=password, actor=actor)
    except UserError as exc:
        raise _refusal(exc) from exc
    db.session.commit()
    click.echo(f"Created {user.login} ({user.name}).")
    if generate:
        click.echo(f"Password: {password}")


@users_group.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include deactivated users.")
def users_list(show_all: bool) -> None:
    """Every active user: login, name, position, roles."""
    query = select(User).order_by(User.login)
    if not show_all:
        query = query.where(User.active)
    users = list(db.session.scalars(query))
    if not users:
        click.echo("No users.")
    for user in users:
        state = "" if user.active else "  [deactivated]"
        roles = ",".join(sorted(role.code for role in user.roles)) or "-"
        click.echo(f"{user.login:<20} {user.name:<16} {user.position:<18} {roles}{state}")


@users_group.command("set-password")
@click.argument("login")
@click.option("--password", help="Leave out to be asked; --generate makes one.")
@click.option("--generate", is_flag=True, help="Generate a password and print it.")
@click.option("--as", "acting", metavar="LOGIN", help=AS_HELP)
def users_set_password(login: str, password: str | None, generate: bool, acting: str | None) -> None:
    """Set a user's password (the password policy applies); ends their sessions."""
    actor = _acting(acting)
    user = _find(login)
    if generate:
        password = generate_password()
    elif not password:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        set_password(user, password, actor=actor)
    except UserError as exc:
        raise _refusal(exc) from exc
    db.session.commit()
    click.echo(f"Password of {user.login} changed.")
    if generate:
        click.echo(f"Password: {password}")


@users_group.command("deactivate")
@click.argument("login")
@click.option("--as", "acting", metavar="LOGIN", help=AS_HELP)
def users_deactivate(login: str, acting: str | None) -> None:
    """Deactivate a user: they cannot sign in and are signed out everywhere (the last administrator stays)."""
    actor = _acting(acting)
    user = _find(login)
    try:
        deactivate_user(db.session, user, actor=actor)
    except UserError as exc:
        raise _refusal(exc) from exc
    db.session.commit()
    click.echo(f"{user.login} is deactivated.")


@users_group.command("reactivate")
@click.argument("login")
@click.option("--as", "acting", metavar="LOGIN", help=AS_HELP)
def users_reactivate(login: str, acting: str | None) -> None:
    """Let a deactivated user sign in again."""
    actor = _acting(acting)
    user = _find(login)
    try:
        reactivate_user(db.session, user, actor=actor)
    except UserError as exc:
        raise _refusal(exc) from exc
    db.session.commit()
    click.echo(f"{user.login} is active again.")


@users_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; save nothing.")
@click.option("--as", "acting", metavar="LOGIN", help=AS_HELP)
def users_import(file: Path, dry_run: bool, acting: str | None) -> None:
    """Import people from a CSV or XLSX file (columns: login,name,email,phone,position,department,
    superior_login,hire_date,roles). All rows or none."""
    actor = _acting(acting)
    try:
        report = import_users(db.session, file.name, file.read_bytes(), dry_run=dry_run, actor=actor)
    except ImportFileError as exc:
        raise click.ClickException(str(exc)) from exc
    for row in report.error_rows:
        for error in row.errors:
            click.echo(f"line {row.line} ({row.login or '-'}): {error}")
    if not report.ok:
        db.session.rollback()
        raise click.ClickException(f"{len(report.error_rows)} rows have errors; nothing was imported.")
    if dry_run:
        click.echo(f"Dry run: {len(report.rows)} rows are fine; nothing was saved.")
        return
    db.session.commit()
    click.echo(f"Imported {report.created} people. Set their passwords with `netsales users set-password`.")
