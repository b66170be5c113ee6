"""The demo company's people: a sales manager, three supervisors with their representatives, HR, finance,
a department head and the administrator, with Chinese names (issue 3 §7)."""

from __future__ import annotations

import os
from datetime import timedelta
from random import Random
from typing import Any

from core.identity.models import Department, User
from core.identity.users import create_user
from core.timeutil import local_today

DEFAULT_DEMO_PASSWORD = "netsales-demo"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建文宇浩然思雨欣怡子轩梓涵晨阳佳琪俊杰嘉怡晓东志强海燕"

#: The logins `make run` prints: one per role.
SHOWCASE_LOGINS = [
    ("admin", "Administrator"),
    ("manager", "Sales manager"),
    ("supervisor1", "Sales supervisor"),
    ("rep1", "Sales representative"),
    ("hr", "HR"),
    ("finance", "Finance"),
    ("head", "Department head"),
]


def demo_password() -> str:
    return os.environ.get("NETSALES_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)


def _name(rng: Random, taken: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in taken:
            taken.add(name)
            return name


def create_demo_people(session: Any, rng: Random) -> None:
    password = demo_password()
    taken: set[str] = set()
    today = local_today()

    def person(login: str, position: str, roles: list[str], **fields: Any) -> User:
        return create_user(
            session, login=login, name=_name(rng, taken), password=password, check_password=False,
            email=f"{login}@demo.netsales.local", position=position, roles=roles,
            hire_date=today - timedelta(days=rng.randint(60, 2000)), **fields,
        )

    company = Department(name="总经理办公室")
    sales = Department(name="网络销售部", parent=company)
    hr_dept = Department(name="人力资源部", parent=company)
    finance_dept = Department(name="财务部", parent=company)
    session.add_all([company, sales, hr_dept, finance_dept])
    session.flush()

    head = person("head", "department_head", ["department_head"], department_id=company.id)
    company.head_id = head.id
    manager = person("manager", "sales_manager", ["sales_manager"], department_id=sales.id, superior_id=head.id)
    sales.head_id = manager.id
    rep_number = 0
    for team in range(1, 4):
        supervisor = person(f"supervisor{team}", "sales_supervisor", ["sales_supervisor"],
                            department_id=sales.id, superior_id=manager.id)
        for _ in range(rng.randint(4, 6)):
            rep_number += 1
            person(f"rep{rep_number}", "sales_rep", ["sales_rep"], department_id=sales.id,
                   superior_id=supervisor.id)
    hr = person("hr", "hr", ["hr"], department_id=hr_dept.id, superior_id=head.id)
    hr_dept.head_id = hr.id
    finance = person("finance", "finance", ["finance"], department_id=finance_dept.id, superior_id=head.id)
    finance_dept.head_id = finance.id
    admin = session.query(User).filter_by(login="admin").one_or_none()
    if admin is not None:
        admin.department_id = company.id
        if admin.name == "Administrator":  # `netsales init` names it in English; the demo company is Chinese
            admin.name = _name(rng, taken)
    session.flush()
