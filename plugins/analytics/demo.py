"""Demo data: competitors, a year of their prices as representatives reported them, and saved reports."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from random import Random
from typing import Any

from sqlalchemy import select

from core.identity.models import Role, User
from core.timeutil import local_today
from plugins.analytics.models import (
    Competitor,
    CustomerNeed,
    MarketShare,
    PriceObservation,
    ResearchActivity,
    SavedReport,
)

COMPETITORS = [
    ("云销通", "https://yunxiaotong.example.cn", "价格低，渠道覆盖广", "售后响应慢，定制能力弱"),
    ("店掌柜", "https://dianzhanggui.example.cn", "电商平台接口齐全", "报表功能单一"),
    ("快单宝", "https://kuaidanbao.example.cn", "硬件捆绑促销力度大", "软件更新慢，培训服务少"),
]
#: (their product, our product, their list price, our list price): ours as in the pipeline's demo catalogue.
MATCHES = [
    ("云销 CRM 标准版", "网销 CRM 年费", 16800, 19800),
    ("智能客服 Pro", "客服机器人", 8800, 9800),
    ("热敏打印机 T2", "热敏打印机", 649, 699),
    ("扫码枪 S1", "扫码枪", 359, 399),
]
CHANNELS = ("tmall", "jd", "douyin", "website")


def load(session: Any, rng: Random) -> None:
    if session.scalar(select(Competitor.id).limit(1)) is not None:
        return
    reporters = list(session.scalars(select(User).where(User.login.like("rep%")).order_by(User.id)))[:6]
    manager = session.scalar(select(User).where(User.login == "manager"))
    if not reporters or manager is None:
        return
    competitors = []
    for name, website, strengths, weaknesses in COMPETITORS:
        competitor = Competitor(name=name, website=website, strengths=strengths, weaknesses=weaknesses)
        session.add(competitor)
        competitors.append(competitor)
    session.flush()
    today = local_today()
    for competitor in competitors:
        for their_product, ours, their_price, our_price in rng.sample(MATCHES, 3):
            for weeks_ago in range(52, -1, -4):  # a report about every four weeks for a year
                day = today - timedelta(weeks=weeks_ago, days=rng.randrange(0, 7))
                promotion = rng.random() < 0.25
                factor = Decimal(rng.choice(("0.85", "0.9"))) if promotion else Decimal(rng.choice(("0.97", "1", "1.02")))
                session.add(PriceObservation(
                    competitor_id=competitor.id, their_product=their_product, our_product=ours,
                    observed_on=min(day, today), channel=rng.choice(CHANNELS),
                    price=(Decimal(their_price) * factor).quantize(Decimal("1")),
                    our_price=Decimal(our_price), promotion="满减活动" if promotion else None,
                    reported_by_id=rng.choice(reporters).id))
    _research(session, rng, reporters, manager, today)
    for share, competitor in ((Decimal("18.5"), None), (Decimal("24.0"), competitors[0]),
                              (Decimal("12.0"), competitors[1]), (Decimal("9.5"), competitors[2])):
        session.add(MarketShare(period=str(today.year - 1), region="华东", share=share,
                                competitor_id=competitor.id if competitor else None,
                                source="行业协会年度报告", recorded_by_id=manager.id))
    sales_role = session.scalar(select(Role).where(Role.code == "sales_manager"))
    import json

    from plugins.analytics.services.pivot import PivotSpec

    for name, spec in (
        ("各渠道月度销售额", PivotSpec("pipeline.order_lines", rows=("date",), column="channel", measure="revenue",
                                    aggregate="sum", grain="month")),
        ("各品类客户数", PivotSpec("pipeline.order_lines", rows=("category",), measure="customer_id",
                                 aggregate="distinct")),
    ):
        session.add(SavedReport(name=name, owner_id=manager.id, dataset_key=spec.dataset, dataset_label="订单明细",
                                spec=json.dumps(spec.to_dict()), chart="bar",
                                shared_role_id=sales_role.id if sales_role else None))
    session.flush()


NEEDS = [
    ("价格", "希望年费能按季度支付", "interaction"), ("价格", "多店铺授权希望有折扣", "interaction"),
    ("接口", "需要对接抖音小店订单", "survey"), ("接口", "希望支持企业微信审批", "interaction"),
    ("售后", "上门安装等待时间太长", "survey"), ("售后", "希望提供周末客服", "survey"),
    ("报表", "想要按直播场次统计销售额", "interaction"), ("培训", "新员工上手需要视频教程", "event"),
]


def _research(session: Any, rng: Random, reporters: list[User], manager: User, today: Any) -> None:
    """Two research activities, a trade show, and a year of customers' needs by theme (R7.2.2, R7.2.3)."""
    session.add_all([
        ResearchActivity(kind="survey", title="2026 年电商卖家工具需求问卷", held_on=today - timedelta(days=120),
                         method="线上问卷，天猫与京东商家群发放", sample="312 份有效问卷（中小卖家）",
                         findings="多平台订单合并与直播数据是最受关注的两项功能；价格敏感度高于去年。",
                         cost=Decimal("3000.00"), leads=18, owner_id=manager.id),
        ResearchActivity(kind="desk", title="竞品价格与功能对比", held_on=today - timedelta(days=45),
                         method="官网、电商平台页面与公开报价整理", sample="3 家主要竞争对手",
                         findings="云销通年费低 15%，但不含培训；快单宝以硬件捆绑促销。",
                         owner_id=reporters[0].id),
        ResearchActivity(kind="trade_show", title="杭州电商博览会", held_on=today - timedelta(days=75),
                         place="杭州国际博览中心", attendees="销售经理、两名销售代表",
                         findings="直播电商工具展商明显增多；客户普遍询问抖音接口。",
                         cost=Decimal("18500.00"), leads=26, owner_id=manager.id),
    ])
    for weeks_ago in range(0, 52, 2):
        theme, text, source = rng.choice(NEEDS)
        session.add(CustomerNeed(theme=theme, text=text, source=source, noted_on=today - timedelta(weeks=weeks_ago),
                                 reported_by_id=rng.choice(reporters).id))
