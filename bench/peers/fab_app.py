"""The peer: the same customer list in Flask-AppBuilder (issue 18 part 4), as a team picking FAB would write it.

A ModelView over NetSales' own crm_customer table (read here, never written), with its owner's name, filtered by
grade and sorted by name through FAB's list arguments; FAB's database authentication and role permissions in front
(its ab_* tables are created in the same scratch database). Served by gunicorn from bench/peers_bench.py:

    NETSALES_PEER_DATABASE_URL=... gunicorn -w 1 'bench.peers.fab_app:create_app()'

Needs the [bench] extra (flask-appbuilder); never imported by NetSales itself.
"""

from __future__ import annotations

import os

from flask import Flask
from flask_appbuilder import AppBuilder, Model, ModelView
from flask_appbuilder.const import AUTH_DB
from flask_appbuilder.models.sqla.base import SQLA
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

#: Page size of our customer list (core/web/listing.py's default), so that both pages draw the same rows.
PAGE_SIZE = 25
LOGIN, PASSWORD = "fabadmin", "Bench-peer-2026"


class Person(Model):
    __tablename__ = "core_user"
    id = Column(Integer, primary_key=True)
    name = Column(String(100))

    def __repr__(self) -> str:
        return self.name or ""


class Customer(Model):
    __tablename__ = "crm_customer"
    id = Column(Integer, primary_key=True)
    name = Column(String(200))
    grade = Column(String(1))
    state = Column(String(20))
    region = Column(String(100))
    completeness = Column(Integer)
    archived = Column(Boolean)
    updated_at = Column(DateTime)
    owner_id = Column(Integer, ForeignKey("core_user.id"))
    owner = relationship(Person)


class CustomerView(ModelView):
    datamodel = SQLAInterface(Customer)
    list_columns = ["name", "grade", "state", "region", "owner.name", "completeness", "updated_at"]
    search_columns = ["name", "grade", "state", "region"]
    base_order = ("name", "asc")
    page_size = PAGE_SIZE
    base_permissions = ["can_list", "can_show"]


def create_app() -> Flask:
    app = Flask("fab_peer")
    app.config.update(
        SQLALCHEMY_DATABASE_URI=os.environ["NETSALES_PEER_DATABASE_URL"],
        SECRET_KEY=os.environ.get("NETSALES_PEER_SECRET", "bench-peer-secret"),
        AUTH_TYPE=AUTH_DB, WTF_CSRF_ENABLED=True, FAB_UPDATE_PERMS=True, RATELIMIT_ENABLED=False,
        APP_NAME="Peer",
    )
    db = SQLA(app)
    with app.app_context():
        # Only FAB's own tables: NetSales' tables (crm_customer, core_user) exist already.
        Model.metadata.create_all(db.engine, tables=[t for name, t in Model.metadata.tables.items()
                                                     if name.startswith("ab_")])
        appbuilder = AppBuilder(app, db.session)
        appbuilder.add_view(CustomerView, "Customers", category="CRM")
        security = appbuilder.sm
        if security.find_user(username=LOGIN) is None:
            security.add_user(LOGIN, "Bench", "Admin", "fab@example.cn", security.find_role("Admin"), PASSWORD)
    return app
