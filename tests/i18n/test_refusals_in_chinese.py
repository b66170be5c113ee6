"""Refusals a Chinese reader meets outside the page walk (issue 12: the module-disable refusal was in English)."""

from __future__ import annotations

from typing import Any


def test_disabling_a_module_others_need_is_refused_in_chinese(app: Any, make_user: Any, login_as: Any) -> None:
    admin = make_user("chief", roles=["admin"], locale="zh_Hans")
    client = login_as(admin)
    response = client.post("/admin/plugins/crm/disable", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "无法停用" in page and "Cannot disable" not in page and "depend on it" not in page
    assert app.extensions["netsales"].is_enabled("crm")  # refused: nothing changed


def test_the_demo_administrator_has_a_chinese_name(db: Any) -> None:
    from random import Random

    from sqlalchemy import select

    from core.identity.demo import create_demo_people
    from core.identity.models import User
    from core.identity.users import create_user

    create_user(db.session, login="admin", name="Administrator", roles=["admin"], position="admin")  # as init does
    db.session.commit()
    create_demo_people(db.session, Random(1))
    db.session.commit()
    name = db.session.scalar(select(User.name).where(User.login == "admin"))
    assert name != "Administrator" and all("\u4e00" <= ch <= "\u9fff" for ch in name)
