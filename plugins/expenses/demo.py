"""Demo data: budgets for the demo departments and claims in every state, each line with a generated receipt
image (a small PNG drawn in code, so the demo needs no files)."""

from __future__ import annotations

import contextlib
import io
from datetime import timedelta
from decimal import Decimal
from random import Random
from typing import Any

from sqlalchemy import select

from core.identity.models import Department, User
from plugins.expenses import platform
from plugins.expenses.models import Category
from plugins.expenses.services.approvers import find_approver
from plugins.expenses.services.budgets import approve_budget, save_budget
from plugins.expenses.services.categories import ensure_default_categories
from plugins.expenses.services.claims import LineInput, create_claim
from plugins.expenses.services.common import TransitionRefused
from plugins.expenses.services.payments import PaymentInput
from plugins.expenses.services.receipts import Upload
from plugins.expenses.services.workflow import transition

PURPOSES = {
    "travel": ("上海客户拜访差旅", "广州展会差旅", "杭州渠道商洽谈差旅"),
    "marketing": ("抖音直播推广投放", "天猫店铺推广费", "微信公众号软文推广"),
    "office": ("办公用品采购", "打印耗材", "会议室白板及文具"),
    "personnel": ("团队培训费用", "新人入职体检", "团建聚餐"),
}


def receipt_png(text: str, amount: Decimal) -> bytes:
    """A small receipt-like PNG: Pillow when installed, else a plain one-colour image written by hand."""
    try:
        from PIL import Image, ImageDraw
    except ImportError:
        return _plain_png()
    image = Image.new("RGB", (240, 120), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, 235, 115), outline="black")
    draw.text((14, 14), "RECEIPT", fill="black")
    draw.text((14, 44), text[:30], fill="black")
    draw.text((14, 74), f"CNY {amount:,.2f}", fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _plain_png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xff\xff\xff" * 16 for _ in range(16))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def load_demo(session: Any, rng: Random) -> None:
    ensure_default_categories(session)
    categories = {c.code: c for c in session.scalars(select(Category))}
    departments = list(session.scalars(select(Department).order_by(Department.id)))
    finance = session.scalar(select(User).where(User.login == "finance"))
    manager = session.scalar(select(User).where(User.login == "manager"))
    if not departments or finance is None or manager is None:
        return
    year = platform.local_today().year
    for department in departments:
        for code, category in categories.items():
            base = {"marketing": 300000, "travel": 120000, "office": 30000, "personnel": 80000}.get(code, 50000)
            budget = save_budget(session, finance, department_id=department.id, category_id=category.id,
                                          year=year, amount=Decimal(base) * rng.choice((1, 2, 3)) / 2)
            approve_budget(session, budget, manager)
    # Representatives, a supervisor and the sales manager file claims; each goes to the reviewer R9.2.2 names
    # (services.approvers: the department head over the sales department, as the org chart has it), so the head
    # has a real queue and the manager none of their own, only their claims to file.
    reps = list(session.scalars(select(User).where(User.login.like("rep%")).order_by(User.id)))[:8]
    others = list(session.scalars(select(User).where(User.login.in_(("supervisor1", "manager"))).order_by(User.id)))
    claimants = reps + others
    if not claimants:
        return
    head_of = {claimant.id: find_approver(session, claimant) for claimant in claimants}
    today = platform.local_today()
    plans = ["draft", "submitted", "approve", "finance_approve", "pay", "return", "reject", "pay", "submitted",
             "approve"]
    counter = 0
    for index, plan in enumerate(plans * 2):
        claimant = claimants[index % len(claimants)]
        approver = head_of.get(claimant.id)
        if approver is None:
            continue
        code = rng.choice(list(PURPOSES))
        lines, uploads = [], {}
        for position in range(rng.randint(1, 3)):
            counter += 1
            amount = Decimal(rng.randint(3000, 250000)) / 100
            when = today - timedelta(days=rng.randint(3, 60))
            lines.append(LineInput(when, categories[code].id, amount, rng.choice(PURPOSES[code]),
                                            f"{year}{rng.randint(10**9, 10**10 - 1)}{counter:03d}"))
            uploads[position] = [Upload(f"receipt-{counter}.png", receipt_png(f"No. {counter}", amount))]
        claim = create_claim(session, claimant, rng.choice(PURPOSES[code]), lines, uploads)
        if plan == "draft":
            continue
        _step(session, claim, claimant, "submit")
        if plan == "return":
            _step(session, claim, approver, "return", reason="请补充客户拜访记录后重新提交。")
        elif plan == "reject":
            _step(session, claim, approver, "reject", reason="与本部门业务无关，不予报销。")
        elif plan in ("approve", "finance_approve", "pay"):
            _step(session, claim, approver, "approve")
            if plan in ("finance_approve", "pay"):
                _step(session, claim, finance, "finance_approve")
            if plan == "pay":
                _step(session, claim, finance, "pay", payment=PaymentInput(today, "bank_transfer",
                                                                                   f"YH{rng.randint(10**7, 10**8)}"))


def _step(session: Any, claim: Any, user: Any, action: str, **kwargs: Any) -> None:
    # A "block" policy on a demo category keeps the claim where it is, as it would for a user.
    with contextlib.suppress(TransitionRefused):
        transition(session, claim, user, action, **kwargs)
