"""Global search benchmark (the header's search box, GET /search?q=): prints ratios, not seconds.

Builds 10,000 customers, measures, then grows them to 100,000 customers (one or two contacts each, 150,000 in all)
with 20,000 deals and 300,000 orders (a third of them from online shops, with the shop's order number), and measures
again. Order lines are not built: the search never reads them. For each query it prints page / SQL (the page time
over the time its statements take replayed alone, bench/harness.py) and (page - shell) / SQL, where the shell is
the search page without a query (the layout's fixed cost); at the end, page at the large size / page at the small
one, which stays near 1 when a search costs what its matches cost and not what the tables hold.

The queries, as a manager (all records) and as a representative (own records, a twentieth of them): a word inside
company names (about one customer in 1,600 carries it), a contact person's name, the middle digits of a customer's
phone, a contact's whole mobile number, a customer's e-mail, an order number, the start of an order number (its last
two digits left off), a shop's order number, and a broad word that one customer in ten carries.
The number of statements per search is fixed whatever the data size; the plugins' test_global_search.py asserts it.

    .venv/bin/python -m bench.search_bench                                 # 10,000 then 100,000 customers
    .venv/bin/python -m bench.search_bench --small 2000 --large 20000      # a quicker run
    NETSALES_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python -m bench.search_bench
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

from flask import Flask
from sqlalchemy import insert, select, text

from bench.crm_bench import analyze, build_people
from bench.harness import PageTiming, bench_app, time_page

CITIES = ("北京", "上海", "广州", "深圳", "杭州", "南京", "成都", "武汉", "西安", "苏州", "天津", "重庆", "厦门",
          "青岛", "宁波", "长沙")
#: Company words are two characters, one from each list: 1,600 of them ("星河" among them).
WORD_FIRST = "星云天海金银华宏鑫盛恒泰瑞祥安康永达富佳新锦博创信德百万嘉美东南西北中和光明朝阳"
WORD_SECOND = "河帆宇翔源辉成远通达兴隆昌盛发利丰旺佳禾汇聚鼎晟凯腾飞扬图强邦联科睿智慧诚毅"
INDUSTRIES = ("科技", "贸易", "电子", "网络", "信息", "商贸", "实业", "餐饮", "文化", "物流")
SUFFIXES = ("有限公司", "有限公司", "股份有限公司", "集团", "")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "霞", "平", "刚", "桂英", "建华", "志强", "海燕", "小红", "晓东", "文", "斌", "宇")
DOMAINS = ("example.cn", "mail.example.com", "corp.example.net")
PRODUCTS = ("服务器", "软件年费", "扫码枪", "打印机", "安装服务", "培训")
SHOPS = ("tmall", "jd", "douyin")
DEALS_PER_CUSTOMER = 0.2
ORDERS_PER_CUSTOMER = 3
#: Rows per bulk insert (executemany).
CHUNK = 5000


def company_name(rng: random.Random) -> str:
    return (rng.choice(CITIES) + rng.choice(WORD_FIRST) + rng.choice(WORD_SECOND) + rng.choice(INDUSTRIES)
            + rng.choice(SUFFIXES))


def mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))


def build(app: Flask, customers: int, start: int = 0) -> None:
    """Customers start+1..customers with their contacts, deals and orders (ids given), in bulk inserts of lists
    of dicts: no ORM objects. The owner of a customer's deals and orders is the customer's owner."""
    from core.extensions import db
    from core.identity.models import User
    from core.timeutil import utcnow
    from plugins.crm.models import Contact, Customer
    from plugins.crm.services.normalise import name_key
    from plugins.pipeline.models import STAGES, Deal, Order

    rng = random.Random(start)
    with app.app_context():
        reps = list(db.session.scalars(select(User.id).where(User.position == "sales_rep").order_by(User.id)))
        now = utcnow()
        for first in range(start + 1, customers + 1, CHUNK):
            ids = range(first, min(first + CHUNK, customers + 1))
            rows, contacts, deals, orders = [], [], [], []
            for cid in ids:
                owner = rng.choice(reps)
                name = company_name(rng)
                rows.append({"id": cid, "kind": "company", "name": name, "name_key": name_key(name),
                             "state": "customer", "phone": mobile(rng),
                             "email": f"{rng.choice(('sales', 'info', 'buy'))}.{cid}@{rng.choice(DOMAINS)}",
                             "region": rng.choice(CITIES), "industry": rng.choice(INDUSTRIES), "owner_id": owner,
                             "grade": rng.choice("ABC"), "potential_value": Decimal(0), "grade_locked": False,
                             "orders_count": 0, "purchase_amount": Decimal(0), "completeness": 60,
                             "contacts_count": 1 + cid % 2, "archived": False, "created_at": now - timedelta(minutes=cid),
                             "updated_at": now - timedelta(minutes=cid)})
                for k in range(1 + cid % 2):  # one or two contacts: 1.5 a customer
                    contact_id = 2 * cid + k
                    contacts.append({"id": contact_id, "customer_id": cid, "is_primary": k == 0, "created_at": now,
                                     "name": rng.choice(SURNAMES) + rng.choice(GIVEN), "phone": mobile(rng),
                                     "email": f"p{contact_id}@{rng.choice(DOMAINS)}"})
                if cid % round(1 / DEALS_PER_CUSTOMER) == 0:
                    deals.append({"id": cid, "title": f"{name[2:4]}{rng.choice(PRODUCTS)}采购", "customer_id": cid,
                                  "owner_id": owner, "stage": rng.choice(STAGES), "status": "open", "version": 1,
                                  "expected_value": Decimal(rng.randint(1, 500) * 100),
                                  "stage_entered_at": now - timedelta(days=cid % 90),
                                  "created_at": now - timedelta(minutes=cid)})
                for k in range(ORDERS_PER_CUSTOMER):
                    order_id = ORDERS_PER_CUSTOMER * (cid - 1) + k + 1
                    ordered = now - timedelta(minutes=rng.randrange(1_051_200))  # over two years
                    shop = rng.choice(SHOPS) if k == 2 else None
                    orders.append({"id": order_id, "number": f"{'SH' if shop else 'SO'}-{ordered.year}-{order_id:06d}",
                                   "channel": shop or "direct", "version": 1,
                                   "external_number": f"{rng.randint(10**15, 10**16 - 1)}" if shop else None,
                                   "customer_id": cid, "owner_id": owner, "status": "completed",
                                   "ordered_at": ordered, "total": Decimal(0), "cost_total": Decimal(0)})
            for model, values in ((Customer, rows), (Contact, contacts), (Deal, deals), (Order, orders)):
                if values:
                    db.session.execute(insert(model), values)
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # Ids were given explicitly: move the sequences on, as a restore would.
            for model in (Customer, Contact, Deal, Order):
                table = model.__table__.name
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT max(id) FROM {table}))"))
            db.session.commit()


def queries(app: Flask) -> list[tuple[str, str]]:
    """(label, q) of every query, from records that exist at the small size and belong to rep0, so that the
    representative finds them too and both sizes run the same searches."""
    from core.extensions import db
    from core.identity.models import User
    from plugins.crm.models import Contact, Customer
    from plugins.pipeline.models import Order

    with app.app_context():
        rep0 = db.session.scalar(select(User.id).where(User.login == "rep0"))
        customer = db.session.execute(select(Customer.name, Customer.phone, Customer.email)
                                      .where(Customer.owner_id == rep0).order_by(Customer.id).limit(1)).one()
        contact = db.session.execute(select(Contact.name, Contact.phone).join(Customer)
                                     .where(Customer.owner_id == rep0).order_by(Contact.id).limit(1)).one()
        order = db.session.scalar(select(Order.number).where(Order.owner_id == rep0, Order.channel == "direct")
                                  .order_by(Order.id).limit(1))
        shop = db.session.scalar(select(Order.external_number).where(Order.owner_id == rep0,
                                                                     Order.channel != "direct")
                                 .order_by(Order.id).limit(1))
    return [
        ("word inside company names", customer.name[2:4]),
        ("contact person's name", contact.name),
        ("middle digits of a phone", customer.phone[3:9]),
        ("contact's mobile number", contact.phone),
        ("customer's e-mail", customer.email),
        ("order number", order),
        ("start of an order number", order[:-2]),
        ("shop's order number", shop),
        ("broad word (1 in 10)", "科技"),
    ]


def measure(app: Flask, size: int, searched: list[tuple[str, str]]) -> dict[str, PageTiming]:
    shell = time_page(app, "/search", "manager")
    print(shell.report(f"{size:,}: shell (search page, no query)"))
    results = {}
    for role, login in (("manager", "manager"), ("rep", "rep0")):
        for label, q in searched:
            timing = time_page(app, f"/search?q={quote(q)}", login)
            own = max(timing.page_seconds - shell.page_seconds, 0.0)
            print(f"{timing.report(f'{size:,}: {role}: {label}')}   (page - shell) / SQL = "
                  f"{own / timing.sql_seconds:5.2f}   q={q}", flush=True)
            results[f"{role}: {label}"] = timing
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=10_000, help="customers at the small size (default 10,000)")
    parser.add_argument("--large", type=int, default=100_000,
                        help="customers at the large size (default 100,000: 20,000 deals, 300,000 orders)")
    args = parser.parse_args()
    with bench_app("crm", "pipeline") as app:
        build_people(app)
        measured: dict[int, dict[str, PageTiming]] = {}
        searched: list[tuple[str, str]] = []
        for start, size in ((0, args.small), (args.small, args.large)):
            started = time.perf_counter()
            build(app, size, start=start)
            analyze(app)
            print(f"built {size:,} customers, {size * 3 // 2:,} contacts, {int(size * DEALS_PER_CUSTOMER):,} deals, "
                  f"{size * ORDERS_PER_CUSTOMER:,} orders ({time.perf_counter() - started:.0f} s) on "
                  f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}", flush=True)
            searched = searched or queries(app)
            measured[size] = measure(app, size, searched)
        small, large = measured[args.small], measured[args.large]
        for label in small:
            ratio = large[label].page_seconds / small[label].page_seconds
            print(f"{label:<40} page at {args.large:,} / page at {args.small:,} = {ratio:5.2f}   "
                  f"(statements {small[label].statements} -> {large[label].statements})")


if __name__ == "__main__":
    main()
