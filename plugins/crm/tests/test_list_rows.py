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
