"""The demo company in the test database, for tests that read what a new user sees (issue 12)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from random import Random

from flask import Flask


@contextmanager
def demo_company(shared_app: Flask, seed: int, locale: str | None = None) -> Iterator[Flask]:
    """The session's app with the demo company loaded as `netsales init --demo` loads it (the administrator first,
    then the company, from ``Random(seed)``), every user in ``locale`` if given; the seeded baseline is put back
    afterwards. Use it in a module-scoped fixture: loading the demo takes seconds."""
    from sqlalchemy import update

    from core.demo import load_demo
    from core.extensions import db
    from core.identity.models import User
    from core.identity.users import create_user

    shared_app.config.clear()
    shared_app.config.update(shared_app.extensions["netsales_test_config"])
    shared_app.extensions["netsales"].forget_runtime_state()
    with shared_app.app_context():
        create_user(db.session, login="admin", name="Administrator", password=None, roles=["admin"],
                    position="admin")
        db.session.commit()
        load_demo(shared_app, Random(seed))
        if locale:
            db.session.execute(update(User).values(locale=locale))
        db.session.commit()
        db.session.remove()
    try:
        yield shared_app
    finally:
        with shared_app.app_context():
            db.session.remove()
            shared_app.extensions["netsales_test_baseline"].restore(db.engine)
