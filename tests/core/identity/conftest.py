"""An org tree for the identity tests: manager → two supervisors → representatives, one of them a supervisor of
a junior (a team two levels deep), plus HR."""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def org(make_user):
    manager = make_user("manager", roles=["sales_manager"], position="sales_manager", locale="en")
    sup1 = make_user("sup1", roles=["sales_supervisor"], position="sales_supervisor", superior_id=manager.id,
                     locale="en")
    sup2 = make_user("sup2", roles=["sales_supervisor"], position="sales_supervisor", superior_id=manager.id,
                     locale="en")
    rep1 = make_user("rep1", roles=["sales_rep"], position="sales_rep", superior_id=sup1.id, locale="en")
    rep2 = make_user("rep2", roles=["sales_rep"], position="sales_rep", superior_id=sup1.id, locale="en")
    junior = make_user("junior", roles=["sales_rep"], position="sales_rep", superior_id=rep2.id, locale="en")
    rep3 = make_user("rep3", roles=["sales_rep"], position="sales_rep", superior_id=sup2.id, locale="en")
    hr = make_user("hr1", roles=["hr"], position="hr", locale="en")
    admin = make_user("boss", roles=["admin"], position="admin", locale="en")
    return SimpleNamespace(manager=manager, sup1=sup1, sup2=sup2, rep1=rep1, rep2=rep2, junior=junior, rep3=rep3,
                           hr=hr, admin=admin)
