"""Shared set-up for the team plugin's tests: a small company — a sales department with a manager, a supervisor
and two representatives, a finance department with its head, and HR."""

from __future__ import annotations

import pytest


@pytest.fixture
def people(app, db, make_user):
    from core.identity.models import Department

    sales, finance = Department(name="网络销售部"), Department(name="财务部")
    db.session.add_all([sales, finance])
    db.session.commit()
    manager = make_user("mgr", name="王经理", roles=["sales_manager"], position="sales_manager", department_id=sales.id,
                        email="mgr@example.com")
    supervisor = make_user("sup", name="李主管", roles=["sales_supervisor"], position="sales_supervisor", superior_id=manager.id,
                           department_id=sales.id, email="sup@example.com")
    rep = make_user("rep", name="张三", roles=["sales_rep"], position="sales_rep", superior_id=supervisor.id,
                    department_id=sales.id, email="rep@example.com")
    rep2 = make_user("rep2", name="赵四", roles=["sales_rep"], position="sales_rep", superior_id=supervisor.id,
                     department_id=sales.id)
    head = make_user("fin", name="钱财务", roles=["finance", "department_head"], position="finance", department_id=finance.id)
    clerk = make_user("clerk", name="孙会计", roles=["finance"], position="finance", department_id=finance.id, superior_id=head.id)
    hr = make_user("hr", name="周人事", roles=["hr"], position="hr")
    finance.head_id = head.id
    db.session.commit()
    return {"manager": manager, "supervisor": supervisor, "rep": rep, "rep2": rep2, "head": head, "clerk": clerk,
            "hr": hr, "sales": sales, "finance": finance}


@pytest.fixture
def english(app):
    """Service messages in English (the source language) for tests that match their wording."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield
