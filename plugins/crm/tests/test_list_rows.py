"""The customer list's rows and filter bar, drawn in Python (issue 18 part 4): what users typed is escaped, the
owner and tags are shown, the chosen filter is selected and a rejected one is told."""

from __future__ import annotations


def test_typed_text_is_escaped_in_the_rows_and_the_tag_filter(app, db, client, org, login_as, new_customer):
    new_customer(org.rep1, name="<script>alert(1)</script>公司", phone="13800000000", region="<b>华东</b>",
                 tags='<img src=x onerror="x">, 重点')
    login_as(org.manager)
    page = client.get("/crm/customers").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;公司" in page
    assert "<b>华东</b>" not in page and "&lt;b&gt;华东&lt;/b&gt;" in page
    assert "<img src=x" not in page  # neither in the row's tags nor among the tag filter's options
    assert page.count("&lt;img src=x onerror=") >= 2
    assert '<span class="pill">重点</span>' in page
    assert org.rep1.name in page  # the owner's name in the row


def test_the_chosen_filter_is_selected_and_a_rejected_one_is_told(app, db, client, org, login_as):
    login_as(org.manager)
    page = client.get("/crm/customers?grade=B").get_data(as_text=True)
    assert '<option value="B" selected>B</option>' in page and '<option value="A">A</option>' in page
    rejected = client.get("/crm/customers?grade=Z%3Cx%3E").get_data(as_text=True)
    assert 'class="filter has-error"' in rejected and "Z&lt;x&gt;" in rejected and "Z<x>" not in rejected


def test_the_fixed_words_drawn_in_python_are_in_the_readers_language(app, db, client, org, login_as, new_customer):
    """The filter's "All" and the row checkbox's "Select …" are translated once a request in Python, not by the
    template: they must still be in the core catalogue, so a Chinese reader never sees them in English."""
    customer = new_customer(org.rep1, name="杭州云帆科技", phone="13800000001")
    login_as(org.manager)
    page = client.get("/crm/customers").get_data(as_text=True)
    assert ">全部</option>" in page and ">All</option>" not in page
    assert f'aria-label="选择 {customer.name}"' in page and "Select " not in page


def _rows_as_drawn_before(items, labels, words, customer_url, bulk):
    """customer_rows as it was before regions, owners and tags were escaped once a page (issue 18): the reference
    the rows must still match byte for byte."""
    from markupsafe import Markup, escape

    from core.web.list_cells import bulk_checkbox_drawer
    from core.web.locale import datetime_filter

    name, grade, state, region, owner, tag_label, complete, updated, unassigned = (
        escape(words[key]) for key in ("name", "grade", "state", "region", "owner", "tags", "complete", "updated",
                                       "unassigned"))
    kinds = {code: escape(label) for code, label in labels["kind"].items()}
    states = {code: escape(label) for code, label in labels["state"].items()}
    href = escape(customer_url)
    checkbox = bulk_checkbox_drawer() if bulk else None
    out = []
    for c in items:
        name_html = escape(c.name)
        phone = f" · {escape(c.phone)}" if c.phone else ""
        if c.grade:
            lock = " 🔒" if c.grade_locked else ""
            grade_cell = f'<span class="pill grade grade-{escape(c.grade.lower())}">{escape(c.grade)}{lock}</span>'
        else:
            grade_cell = '<span class="muted">—</span>'
        kind_label = kinds.get(c.kind)
        state_label = states.get(c.state)
        tags = "".join(f'<span class="pill">{escape(tag)}</span> ' for tag in c.tag_names)
        out.append(
            f'<tr>\n{checkbox(c.id, name_html) if checkbox else ""}'
            f'<td data-label="{name}"><a href="{href}{c.id}">{name_html}</a>\n'
            f'<br><small>{escape(None) if kind_label is None else kind_label}{phone}</small></td>\n'
            f'<td data-label="{grade}">{grade_cell}</td>\n'
            f'<td data-label="{state}"><span class="pill">{escape(c.state) if state_label is None else state_label}</span></td>\n'
            f'<td data-label="{region}">{escape(c.region or "—")}</td>\n'
            f'<td data-label="{owner}">{escape(c.owner.name) if c.owner else unassigned}</td>\n'
            f'<td data-label="{tag_label}">{tags}</td>\n'
            f'<td data-label="{complete}"><span class="{"muted" if c.completeness >= 80 else ""}">'
            f'{c.completeness}%</span></td>\n'
            f'<td data-label="{updated}">{escape(datetime_filter(c.updated_at, "short"))}</td>\n</tr>\n')
    return Markup("".join(out))


def test_rows_with_repeated_and_hostile_values_are_drawn_as_before(app, db, org):
    """Regions, owners and tags that repeat down a page are escaped once (issue 18): the same bytes as escaping
    each cell, for repeated, missing, empty and hostile values, in English and Chinese."""
    import random
    from datetime import datetime, timedelta

    from flask_login import login_user

    from plugins.crm.views.common import labels, words
    from plugins.crm.views.customer_list import CustomerRow, customer_rows

    rng = random.Random(18)
    texts = ["华东", "<b>华东</b>", "", None, "A & B", '"quoted"', "华东"]
    owners = [(org.rep1.id, "代表<1>"), (org.rep2.id, "O'Neil"), (None, None)]
    tags = ["重点", "<img src=x>", "VIP", "&amp;"]
    items = []
    for k in range(60):
        owner_id, owner_name = rng.choice(owners)
        row = (k + 1, rng.choice(["星河<科技>", "A&B 公司", "'x'"]), rng.choice(["company", "person", "odd"]),
               rng.choice(["13800000000", None, "<138>"]), rng.choice(["A", "B", None]), rng.random() < 0.3,
               rng.choice(["customer", "lead", "unknown<state>"]), rng.choice(texts), rng.randint(0, 100),
               datetime(2026, 12, 1, 8, 0) + timedelta(minutes=97 * k), owner_id, owner_name)
        items.append(CustomerRow(row, rng.sample(tags, rng.randint(0, 3))))
    for locale in ("en", "zh_Hans"):
        org.manager.locale = locale
        db.session.commit()
        with app.test_request_context("/crm/customers"):
            login_user(org.manager)
            w = words()
            column_words = {"name": w["Name"], "grade": w["Grade"], "state": w["State"], "region": w["Region"],
                            "owner": w["Owner"], "tags": w["Tags"], "complete": w["Complete"],
                            "updated": w["Updated"], "unassigned": w["Unassigned"]}
            for bulk in (True, False):
                args = (items, labels(), column_words, "/crm/customers/", bulk)
                assert str(customer_rows(*args)) == str(_rows_as_drawn_before(*args))


def test_a_page_reads_its_rows_and_tags_by_one_array_of_ids_on_postgresql(app, db, client, org, login_as,
                                                                         new_customer, count_queries):
    """PostgreSQL: the page's rows and tags are read with ``id = ANY(:ids)``, one parameter, not an IN list that
    SQLAlchemy writes out value by value at every execution; SQLite (no arrays) keeps the IN list. Same rows."""
    for k in range(30):
        new_customer(org.rep1, name=f"客户{k:03d}", phone=f"139{k:08d}", tags="重点" if k % 2 else "")
    login_as(org.manager)
    with count_queries() as statements:
        page = client.get("/crm/customers?sort=name").get_data(as_text=True)
    by_ids = [s for s in statements if "crm_customer_tag.customer_id" in s and "ORDER BY" in s
              or "crm_row_owner" in s]
    assert len(by_ids) == 2
    postgresql = db.engine.dialect.name == "postgresql"
    assert all(("= ANY (" in s) == postgresql and ("IN (" in s) != postgresql for s in by_ids)
    shown = [f"客户{k:03d}" for k in range(25)]  # the first page by name
    assert all(name in page for name in shown) and "客户025" not in page
    assert page.count('<span class="pill">重点</span>') == 12
