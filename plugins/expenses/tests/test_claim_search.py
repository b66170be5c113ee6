"""The claim search (lists, global search, API) finds claims by number or title through the substring index
expenses_claim_gram: exactly the claims a plain case-insensitive LIKE '%word%' finds, within the user's scope, in a
fixed number of statements, with the index kept true by the database on every write and built by the migration."""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from sqlalchemy import and_, create_engine, delete, insert, or_, select, text, update

from plugins.expenses import search
from plugins.expenses.models import SEARCH_WINDOW, Claim, ClaimSearchGram, fold_case
from plugins.expenses.search import claim_search
from plugins.expenses.services.claims import update_claim
from plugins.expenses.services.workflow import transition
from plugins.expenses.tests.conftest import draft, line

CJK = "差旅报销北京上海客户拜访培训会议办公"
LATIN = "abcxyzABCXYZ0123456789"
SPECIAL = " -%_\\"
#: The two ways claim_search answers: the rarest word's index range, or every word tested on the list's rows.
PLANS = {"index": 1_000_000, "rows": 1}


def windows(value: str | None) -> set[str]:
    value = fold_case(value or "")
    return {value[i:i + SEARCH_WINDOW] for i in range(len(value))}


def assert_index_true(session) -> None:
    """The index holds exactly the windows of every claim's current number and title."""
    session.flush()
    expected = {(gram, row.id) for row in session.execute(select(Claim.id, Claim.number, Claim.title))
                for gram in windows(row.number) | windows(row.title)}
    assert set(session.execute(select(ClaimSearchGram.gram, ClaimSearchGram.claim_id))) == expected


def searched(session, query: str) -> set[int]:
    return set(session.scalars(select(Claim.id).where(claim_search(session, query))))


def like_found(session, query: str) -> set[int]:
    """What the lists searched before the index: every word in the number or the title, ILIKE '%word%' with "%",
    "_" and "\\" typed literally (every claim read). The sample has no non-ASCII letters with a case, which
    PostgreSQL's ILIKE would fold and SQLite's would not."""
    terms = []
    for word in query.split():
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        terms.append(or_(Claim.number.ilike(pattern, escape="\\"), Claim.title.ilike(pattern, escape="\\")))
    return set(session.scalars(select(Claim.id).where(and_(*terms))))


def claim_rows(company, rng: random.Random, count: int, first_id: int = 1000) -> list[dict]:
    """Claims written straight to the table (no ORM): varied titles, some without a number."""
    rows = []
    for i in range(count):
        alphabet = rng.choice([CJK, LATIN, CJK + LATIN + SPECIAL])
        title = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        number = rng.choice([f"BX2026{first_id + i:06d}", f"bx{first_id + i}", None, f"BX%_{i}"])
        rows.append({"id": first_id + i, "number": number, "title": title, "claimant_id": company.rep.id,
                     "department_id": company.department.id, "state": "draft", "total": 0, "over_budget": False,
                     "created_at": datetime(2026, 1, 1), "updated_at": datetime(2026, 1, 1), "version": 1})
    return rows


def random_queries(rng: random.Random, session, count: int) -> list[str]:
    values = [v for row in session.execute(select(Claim.number, Claim.title)) for v in row if v and v.strip()]
    queries = []
    for _ in range(count):
        if rng.random() < 0.7:  # a piece of a stored value as typed: any case, maybe two words, maybe long
            value = rng.choice(values)
            start = rng.randrange(len(value))
            query = value[start:start + rng.randint(1, 2 * SEARCH_WINDOW + 2)]
            query = rng.choice([query, query.upper(), query.lower()])
        else:  # anything from the alphabets, found or not
            query = "".join(rng.choice(CJK + LATIN + SPECIAL) for _ in range(rng.randint(1, 12)))
        if query.split():
            queries.append(query)
    return queries


@pytest.mark.parametrize("plan", PLANS)
def test_the_search_finds_exactly_what_like_finds(app, db, company, monkeypatch, plan):
    monkeypatch.setattr(search, "SEARCH_INDEX_LIMIT", PLANS[plan])
    rng = random.Random(11)
    db.session.execute(insert(Claim), claim_rows(company, rng, 250))
    draft(db, company.rep, line(company.travel), title="北京客户拜访 Trip")  # numbered by the ORM: BX<year><id>
    assert_index_true(db.session)
    queries = random_queries(rng, db.session, 500) + [
        "%", "_", "%_", "\\", "a_", "_1", "bx", "BX2026", "2026001", "差旅", "北京 trip", "TRIP 北京", "北京北京",
        "1" * 20, "%_1", "bx%", "客户拜访差旅报销北京上海"]
    matched = 0
    for query in queries:
        expected = like_found(db.session, query)
        assert searched(db.session, query) == expected, query
        matched += bool(expected)
    assert matched > 250  # most queries find something: the comparison is not between empty sets


def test_percent_and_underscore_are_plain_characters(app, db, company):
    with_percent = draft(db, company.rep, line(company.travel, invoice="P1"), title="折扣 5% 返还")
    with_underscore = draft(db, company.rep, line(company.travel, invoice="P2"), title="file_name")
    plain = draft(db, company.rep, line(company.travel, invoice="P3"), title="filexname 5 percent")
    assert searched(db.session, "%") == {with_percent.id}
    assert searched(db.session, "5%") == {with_percent.id}
    assert searched(db.session, "e_n") == {with_underscore.id}
    assert plain.id not in searched(db.session, "_")


def test_ascii_letters_match_in_any_case_other_letters_as_typed_on_both_databases(app, db, company):
    # The same answer on SQLite and PostgreSQL: only ASCII letters are folded (PostgreSQL's ILIKE would fold É).
    claim = draft(db, company.rep, line(company.travel), title="ÉCOLE Straße ＡＢＣ Trip")
    assert claim.id in searched(db.session, claim.number.lower())
    assert searched(db.session, "trip") == searched(db.session, "TRIP") == {claim.id}
    assert searched(db.session, "École") == {claim.id}  # ÉCOLE folds to École: É is not an ASCII letter
    assert searched(db.session, "é") == set() and searched(db.session, "ａｂｃ") == set()
    assert searched(db.session, "ＡＢＣ") == searched(db.session, "straße") == {claim.id}


def test_words_longer_than_the_window_are_confirmed_on_the_claim(app, db, company):
    long_title = "北京星河科技发展电子网络信息"  # longer than the window: found by its first and last windows
    whole = draft(db, company.rep, line(company.travel, invoice="L1"), title=long_title + "交流会")
    both_windows = draft(db, company.rep, line(company.travel, invoice="L2"),
                         title="北京星河科技发展上海星河科技发展电子网络信息")  # the two windows, not together
    assert searched(db.session, long_title) == {whole.id}
    assert searched(db.session, "科技发展电子网络信") == {whole.id, both_windows.id}
    assert searched(db.session, whole.number) == {whole.id}  # a whole number, longer than the window


def test_the_index_is_kept_on_create_edit_and_bulk_statements(app, db, company):
    claim = draft(db, company.rep, line(company.travel, invoice="K1"), title="北京客户拜访")
    assert_index_true(db.session)
    assert searched(db.session, "拜访") == {claim.id}
    update_claim(db.session, claim, company.rep, "上海培训", [line(company.travel, invoice="K1")])
    db.session.commit()
    assert_index_true(db.session)
    assert searched(db.session, "拜访") == set() and searched(db.session, "培训") == {claim.id}
    # Statements that bypass the ORM keep it too: the database maintains it.
    db.session.execute(update(Claim).where(Claim.id == claim.id).values(title="Office chairs"))
    assert_index_true(db.session)
    assert searched(db.session, "CHAIR") == {claim.id}
    db.session.execute(insert(Claim), claim_rows(company, random.Random(1), 3, first_id=5000))
    assert_index_true(db.session)
    db.session.execute(delete(Claim).where(Claim.id >= 5000))
    assert_index_true(db.session)
    # A statement that changes other columns of every claim leaves the index alone.
    db.session.execute(update(Claim).values(over_budget=True))
    assert_index_true(db.session)
    db.session.commit()


def _searchable_claims(db, company) -> dict[str, object]:
    """A claim of each kind a list shows: the rep's draft, the rep's submitted claim (the head's review queue),
    rep2's claim approved by the head (finance's queue), and the head's own."""
    claims = {"draft": draft(db, company.rep, line(company.travel, invoice="W1"), title="差旅 draft")}
    submitted = draft(db, company.rep, line(company.travel, invoice="W2"), title="差旅 submitted")
    transition(db.session, submitted, company.rep, "submit")
    approved = draft(db, company.rep2, line(company.travel, invoice="W3"), title="差旅 approved")
    transition(db.session, approved, company.rep2, "submit")
    transition(db.session, approved, company.head, "approve")
    claims.update(submitted=submitted, approved=approved,
                  head=draft(db, company.head, line(company.travel, invoice="W4"), title="差旅 head"))
    db.session.commit()
    return claims


@pytest.mark.parametrize("plan", PLANS)
def test_searching_keeps_each_list_to_what_the_user_may_see(app, db, company, client, login_as, monkeypatch, plan):
    monkeypatch.setattr(search, "SEARCH_INDEX_LIMIT", PLANS[plan])
    claims = _searchable_claims(db, company)

    def shown(user, url: str) -> set[str]:
        login_as(user)
        page = client.get(url).get_data(as_text=True)
        return {name for name, claim in claims.items() if f'/expenses/claims/{claim.id}"' in page}

    assert shown(company.rep, "/expenses/?q=差旅") == {"draft", "submitted"}  # own (R2)
    assert shown(company.rep2, "/expenses/?q=差旅") == {"approved"}
    assert shown(company.head, "/expenses/?q=差旅") == set(claims)  # team, and their own
    assert shown(company.head, "/expenses/?q=差旅+draft") == {"draft"}
    assert shown(company.head, "/expenses/?q=差旅&state=submitted") == {"submitted"}  # with the list's filters
    assert shown(company.head, "/expenses/?q=差旅&mine=1") == {"head"}
    assert shown(company.head, "/expenses/review?q=差旅") == {"submitted"}
    assert shown(company.finance, "/expenses/finance?q=差旅") == {"approved"}
    assert shown(company.finance, f"/expenses/finance?q={claims['approved'].number.lower()}") == {"approved"}
    assert shown(company.finance, f"/expenses/finance?q={claims['submitted'].number}") == set()
    assert shown(company.rep, "/expenses/?q=%25") == set()  # "%" is not a wildcard
    login_as(company.rep)
    exported = client.get("/expenses/?q=SUBMITTED&export=csv").get_data(as_text=True)
    assert claims["submitted"].number in exported and claims["draft"].number not in exported


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("url, user", [("/expenses/?q=trip", "boss"), ("/expenses/?q=TRIP+Bx", "head"),
                                       ("/expenses/?q=trip&state=submitted", "rep"), ("/expenses/review?q=trip", "head")])
def test_a_searched_list_makes_a_fixed_number_of_queries(app, db, company, login_as, count_queries, monkeypatch,
                                                         url, user, plan):
    monkeypatch.setattr(search, "SEARCH_INDEX_LIMIT", PLANS[plan])
    client = login_as(getattr(company, user), on=app.test_client())

    def add(count: int, offset: int) -> None:
        for number in range(offset, offset + count):
            claim = draft(db, company.rep, line(company.travel, invoice=f"F{number}"), title=f"Trip {number}")
            transition(db.session, claim, company.rep, "submit")
            draft(db, company.rep, line(company.travel, invoice=f"G{number}"), title=f"Hotel {number}")
        db.session.commit()

    def render() -> tuple[int, int]:
        client.get(url)  # warm caches (plugin state, translations)
        with count_queries() as statements:
            page = client.get(url)
        assert page.status_code == 200
        return len(statements), page.get_data(as_text=True).count("Trip ")

    add(1, 0)
    few, rows_few = render()
    add(6, 1)
    many, rows_many = render()
    assert rows_many > rows_few  # the larger list really shows more matches
    assert many == few


def test_global_search_and_the_api_use_the_same_search(app, db, company, client, login_as):
    from core.contracts import SearchResult

    mine = draft(db, company.rep, line(company.travel, invoice="S1"), title="北京 Fair")
    others = draft(db, company.rep2, line(company.travel, invoice="S2"), title="北京 roadshow")
    engine = app.extensions["netsales"]

    def found(query: str, user) -> list[str]:
        with app.test_request_context():
            return [r.title for r in engine.collect("global_search", SearchResult, query=query, user=user, limit=10)
                    if r.kind == "expense_claim"]

    assert found("北京", company.rep) == [f"{mine.number} 北京 Fair"]
    assert found(mine.number.lower(), company.rep) == [f"{mine.number} 北京 Fair"]
    assert found("fair 北京", company.rep) == [f"{mine.number} 北京 Fair"]  # words, in any order
    assert found("%%", company.rep) == []  # literal, not "anything"
    assert len(found("北京", company.boss)) == 2
    login_as(company.rep)
    listed = client.get("/api/v1/expenses/claims?q=北京").get_json()
    assert [c["number"] for c in listed["items"]] == [mine.number] and others.number not in str(listed)


def test_the_migration_indexes_existing_claims_and_goes_down_and_up(app, fresh_database):
    from core.db import migrations
    from core.setup import plugin_lineage

    lineage = plugin_lineage(app.extensions["netsales"], "expenses")
    engine = create_engine(fresh_database.url)
    try:
        migrations.upgrade(engine, migrations.core_lineage())
        migrations.upgrade(engine, lineage, "3d5e7a9c1b2f")  # the revision before the index
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO core_user (id, login, name, active, session_token, position, "
                                    "created_at) VALUES (1, 'u', 'U', true, 't', 'other', '2026-01-01')"))
            connection.execute(text(
                "INSERT INTO expenses_claim (id, number, title, claimant_id, state, total, over_budget, created_at, "
                "updated_at, version) VALUES (1, 'BX2026000001', '北京差旅 Trip', 1, 'draft', 0, false, "
                "'2026-01-01', '2026-01-01', 1), (2, NULL, 'Office', 1, 'draft', 0, false, '2026-01-01', "
                "'2026-01-01', 1)"))

        def stored() -> set[tuple[str, int]]:
            with engine.connect() as connection:
                return set(connection.execute(text("SELECT gram, claim_id FROM expenses_claim_gram")))

        expected = ({(g, 1) for g in windows("BX2026000001") | windows("北京差旅 Trip")}
                    | {(g, 2) for g in windows("Office")})
        migrations.upgrade(engine, lineage)
        assert stored() == expected  # existing claims indexed by the migration
        with engine.begin() as connection:  # and the triggers keep it from then on
            connection.execute(text("UPDATE expenses_claim SET title = 'Desk' WHERE id = 2"))
        assert stored() == (expected - {(g, 2) for g in windows("Office")}) | {(g, 2) for g in windows("Desk")}
        migrations.downgrade(engine, lineage, "3d5e7a9c1b2f")
        assert "expenses_claim_gram" not in fresh_database.table_names()
        with engine.begin() as connection:  # no trigger left behind to write to the dropped table
            connection.execute(text("UPDATE expenses_claim SET title = 'Chair' WHERE id = 2"))
            connection.execute(text("DELETE FROM expenses_claim WHERE id = 2"))
        migrations.upgrade(engine, lineage)
        assert stored() == {(g, 1) for g in windows("BX2026000001") | windows("北京差旅 Trip")}
        assert migrations.drift(engine, lineage) == []
    finally:
        engine.dispose()
