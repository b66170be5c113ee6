"""Loading the demo company: the core's people, then each enabled plugin's demo_data in dependency order."""

from __future__ import annotations

from collections.abc import Callable
from random import Random

from flask import Flask
from sqlalchemy import func, select

from core.extensions import db
from core.identity.demo import SHOWCASE_LOGINS, create_demo_people, demo_password
from core.identity.models import User


class DemoError(RuntimeError):
    """The demo company cannot be loaded here; the message says why."""


#: The demo company's name (issue 12: its quotations printed "NetSales" as their letterhead).
DEMO_COMPANY_NAME = "杭州网销贸易有限公司"


def load_demo(app: Flask, rng: Random) -> None:
    """Load the demo company, only into a database with no people other than the administrator."""
    engine = app.extensions["netsales"]
    engine.refresh(db.session)
    if not engine.database_ready:
        raise DemoError("the database is not initialised; run `netsales init` first")
    others = db.session.scalar(select(func.count(User.id)).where(User.login != "admin"))
    if others:
        raise DemoError("this database already has people in it; the demo company only goes into a new database")
    create_demo_people(db.session, rng)
    from core.settings import get_setting, set_setting

    if get_setting("core.company_name") == app.config["COMPANY_NAME"]:  # the PDFs and e-mails print a company
        set_setting("core.company_name", DEMO_COMPANY_NAME)
    engine.call("demo_data", session=db.session, rng=rng)
    db.session.commit()


def print_logins(echo: Callable[[str], None]) -> None:
    existing = set(db.session.scalars(select(User.login).where(User.login.in_([login for login, _ in SHOWCASE_LOGINS]))))
    if len(existing) < 2:
        return
    echo(f"Demo logins (password: {demo_password()}):")
    for login, role in SHOWCASE_LOGINS:
        if login in existing:
            echo(f"  {role:<22} {login}")
