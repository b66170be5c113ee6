"""Helpers for the CRM's tests: a small sales organisation (manager, two supervisors, a representative each)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest


@pytest.fixture
def org(app: Any, make_user: Any) -> SimpleNamespace:
    manager = make_user("mgr", roles=["sales_manager"], position="sales_manager")
    sup1 = make_user("sup1", roles=["sales_supervisor"], position="sales_supervisor", superior_id=manager.id)
    sup2 = make_user("sup2", roles=["sales_supervisor"], position="sales_supervisor", superior_id=manager.id)
    rep1 = make_user("rep1", roles=["sales_rep"], position="sales_rep", superior_id=sup1.id)
    rep1b = make_user("rep1b", roles=["sales_rep"], position="sales_rep", superior_id=sup1.id)
    rep2 = make_user("rep2", roles=["sales_rep"], position="sales_rep", superior_id=sup2.id)
    return SimpleNamespace(manager=manager, sup1=sup1, sup2=sup2, rep1=rep1, rep1b=rep1b, rep2=rep2)


@pytest.fixture
def new_customer(db: Any) -> Any:
    """new_customer(owner, name=..., **fields): a committed customer owned by ``owner``."""
    from plugins.crm.services.customers import create_customer

    def make(owner: Any, name: str = "星河科技有限公司", allow_duplicate: bool = True, **fields: Any) -> Any:
        customer = create_customer(db.session, {"name": name, **fields}, owner, allow_duplicate=allow_duplicate)
        db.session.commit()
        return customer

    return make


@pytest.fixture
def crm_alone(app: Any, disable_plugin: Any) -> None:
    """Disable the plugins that answer customer_purchase_stats, so grading uses CRM's own purchase records."""
    engine = app.extensions["netsales"]
    for name in ("pipeline",):
        if name in engine.plugins and engine.is_enabled(name):
            disable_plugin(name)
