"""The global search finds deals by title through pipeline_deal_gram, the titles' substring index kept by database
triggers (issue 18: reading every deal of a scope grew the search with the deals): what it finds is what a LIKE
over the titles finds, after every kind of write; a text the index cannot answer reads the titles instead."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select, update

from core.contracts import SearchResult
from plugins.pipeline.models import DEAL_SEARCH_WINDOW, Deal, DealSearchGram

TITLES = ("欧阳明月清风徐来", "Zhang San Feng 年度续约", "Émile Zola 图书采购", "王小明 100% 续约", "CRM_PRO 升级",
          "abcdefgh then ijklmnop", "aaaaaaaaaa 测试")


def windows(title: str, postgresql: bool) -> set[str]:
    """The index's rows for ``title`` as the database's lower() makes them: SQLite's folds ASCII letters only."""
    value = title.lower() if postgresql else "".join(c.lower() if c.isascii() else c for c in title)
    return {value[i:i + DEAL_SEARCH_WINDOW] for i in range(len(value))}


def indexed(db) -> set[tuple[str, int]]:
    db.session.expire_all()
    return {(gram, deal_id) for gram, deal_id in db.session.execute(select(DealSearchGram.gram,
                                                                          DealSearchGram.deal_id))}


def expected_index(db) -> set[tuple[str, int]]:
    """Every deal's windows, computed here from the titles."""
    postgresql = db.engine.dialect.name == "postgresql"
    return {(gram, deal_id) for deal_id, title in db.session.execute(select(Deal.id, Deal.title))
            for gram in windows(title, postgresql)}


@pytest.fixture
def deal_titles(app):
    """deal_titles(query, user) -> the titles of the deals the pipeline's global search answers."""
    engine = app.extensions["netsales"]

    def search(query, user):
        with app.test_request_context("/"):
            results = engine.collect("global_search", SearchResult, only="pipeline", query=query, user=user,
                                     limit=20)
        return {r.title for r in results if r.kind == "deal"}

    return search


@pytest.fixture
def titled_deals(db, team, customer):
    deals = [Deal(title=title, customer_id=customer.id, owner_id=team["rep"].id) for title in TITLES]
    db.session.add_all(deals)
    db.session.commit()
    return deals


@pytest.mark.parametrize(("query", "titles"), [
    ("明月清风", {"欧阳明月清风徐来"}),                # inside a title
    ("欧阳明月清风徐来", {"欧阳明月清风徐来"}),        # the whole title: eight characters, one window
    ("zhang san feng 年度", {"Zhang San Feng 年度续约"}),  # longer than a window: first and last windows, the LIKE
    ("SAN F", {"Zhang San Feng 年度续约"}),            # any case of ASCII letters
    ("zola", {"Émile Zola 图书采购"}),
    ("Émile", {"Émile Zola 图书采购"}),                # a cased letter beyond ASCII: the titles are read instead
    ("续约", {"Zhang San Feng 年度续约", "王小明 100% 续约"}),
    ("100%", {"王小明 100% 续约"}),                    # "%" typed is a plain character
    ("%", {"王小明 100% 续约"}),
    ("M_P", {"CRM_PRO 升级"}),                         # so is "_"
    ("C_M", set()),
    ("abcdefghijklmnop", set()),                      # both windows are in one title, the text is not
    ("aaaaaaaaa", {"aaaaaaaaaa 测试"}),                # longer than a window, its first and last windows equal
    ("aaaaaaaaaaa", set()),
    ("清风明月", set()),
])
def test_deals_are_found_by_any_part_of_their_title(app, team, titled_deals, deal_titles, query, titles):
    assert deal_titles(query, team["rep"]) == titles
    assert deal_titles(query, team["manager"]) == titles
    assert deal_titles(query, team["other"]) == set()  # the same team, not their deals


def test_the_index_follows_inserts_title_changes_and_deletions(app, db, team, customer, titled_deals,
                                                             deal_titles):
    from plugins.pipeline.services.stages import move_deal

    rep = team["rep"]
    assert indexed(db) == expected_index(db)
    assert ("zhang sa", titled_deals[1].id) in indexed(db)  # lower case, eight characters
    deal = titled_deals[3]
    deal.title = "李大明 二期"  # the ORM's update of the title
    db.session.commit()
    assert deal_titles("小明", rep) == set() and deal_titles("大明", rep) == {"李大明 二期"}
    before = indexed(db)
    move_deal(db.session, deal, "needs", rep)  # a write that leaves the title alone
    db.session.commit()
    assert indexed(db) == before

    db.session.execute(update(Deal).where(Deal.title == "CRM_PRO 升级").values(title="ERP 升级"))
    db.session.execute(delete(Deal).where(Deal.title.in_(("欧阳明月清风徐来", "Émile Zola 图书采购"))))
    db.session.commit()
    assert deal_titles("erp", rep) == {"ERP 升级"} and deal_titles("crm", rep) == set()
    assert deal_titles("明月", rep) == set() and deal_titles("zola", rep) == set()
    assert indexed(db) == expected_index(db)

    # A bulk insert, one statement for many rows (PostgreSQL's trigger runs once over all of them).
    db.session.execute(insert(Deal), [{"title": f"批量 Deal {k} 续约", "customer_id": customer.id,
                                       "owner_id": rep.id} for k in range(30)])
    db.session.commit()
    assert indexed(db) == expected_index(db)
    assert len(deal_titles("批量 deal", rep)) == 20  # the search's limit
    assert deal_titles("deal 17 续约", rep) == {"批量 Deal 17 续约"}


def test_the_search_reads_the_index_not_the_titles(app, db, team, titled_deals, deal_titles):
    """Without the index's rows, a text it answers finds no deal; one it cannot answer still does."""
    db.session.execute(delete(DealSearchGram))
    db.session.commit()
    for query in ("明月", "zhang san feng 年度", "aaaaaaaaa"):
        assert deal_titles(query, team["manager"]) == set(), query
    assert deal_titles("Émile", team["manager"]) == {"Émile Zola 图书采购"}


@pytest.mark.parametrize("role", ["rep", "manager"])
def test_one_deals_statement_for_every_shape_of_text(app, db, team, customer, titled_deals, count_queries, role):
    """A text of any shape (inside a window, longer, first and last windows equal, one the index cannot answer)
    costs the deals' one statement and the products' one, however many deals match."""
    engine = app.extensions["netsales"]
    queries = ("续约", "zhang san feng 年度", "aaaaaaaaa", "Émile")

    def statements():
        counts = []
        for query in queries:
            with app.test_request_context("/"):
                # The first search of a request also reads the user's grants: the second one is counted.
                engine.collect("global_search", SearchResult, only="pipeline", query=query, user=team[role],
                               limit=20)
                with count_queries() as run:
                    engine.collect("global_search", SearchResult, only="pipeline", query=query, user=team[role],
                                   limit=20)
            counts.append(len(run))
        return counts

    few = statements()
    db.session.add_all([Deal(title=f"{title} {k}", customer_id=customer.id, owner_id=team["rep"].id)
                        for title in TITLES for k in range(5)])
    db.session.commit()
    assert statements() == few == [2, 2, 2, 2]


def test_the_migration_indexes_existing_deals_and_goes_down_and_up(app, migrate_plugin):
    """Upgrading a database that already has deals fills the titles' index (migration 6e3a9c2f7b14); the triggers
    keep it afterwards; it goes down and up again."""
    from datetime import datetime

    from core.identity.models import User
    from plugins.crm.models import Customer

    migrations = migrate_plugin("pipeline")
    before = "5b8e1f0c7a42"
    migrations.upgrade(before)
    postgresql = migrations.engine.dialect.name == "postgresql"
    with migrations.engine.begin() as connection:
        connection.execute(insert(User.__table__).values(id=1, login="rep", name="Rep", session_token="x"))
        connection.execute(insert(Customer.__table__).values(
            id=1, kind="company", state="lead", name="甲公司", name_key="甲公司", potential_value=0,
            grade_locked=False, orders_count=0, purchase_amount=0, completeness=0, contacts_count=0,
            archived=False, created_at=datetime(2026, 1, 1), updated_at=datetime(2026, 1, 1)))
        connection.execute(insert(Deal.__table__), [
            {"id": 1, "title": "CRM 采购", "customer_id": 1, "owner_id": 1},
            {"id": 2, "title": "Émile Zola 图书采购项目", "customer_id": 1, "owner_id": 1}])
    expected = {(gram, 1) for gram in windows("CRM 采购", postgresql)}
    expected |= {(gram, 2) for gram in windows("Émile Zola 图书采购项目", postgresql)}
    for _round in range(2):  # the upgrade, then down and up again
        migrations.upgrade()
        with migrations.engine.begin() as connection:
            grams = {(gram, deal_id) for gram, deal_id in connection.execute(select(DealSearchGram.gram,
                                                                                    DealSearchGram.deal_id))}
        assert grams == expected
        migrations.downgrade(before)
        assert "pipeline_deal_gram" not in migrations.tables()
    migrations.upgrade()
    with migrations.engine.begin() as connection:  # the triggers were made again
        connection.execute(update(Deal.__table__).where(Deal.__table__.c.id == 1).values(title="ERP"))
        connection.execute(insert(Deal.__table__).values(id=3, title="云帆", customer_id=1, owner_id=1))
        rows = {(gram, deal_id) for gram, deal_id in connection.execute(
            select(DealSearchGram.gram, DealSearchGram.deal_id).where(DealSearchGram.deal_id != 2))}
    assert rows == {("erp", 1), ("rp", 1), ("p", 1), ("云帆", 3), ("帆", 3)}


@pytest.mark.parametrize("query", ["续约", "zhang san feng 年度", "aaaaaaaaa"])
def test_the_deals_are_read_through_the_index(app, db, team, titled_deals, query):
    """SQLite (no planner statistics): the deals' statement reads pipeline_deal_gram by its key and the deals by
    id, never every deal, for each scope (the owner index would read a representative's every deal).
    PostgreSQL: the text's windows are written into the statement, so that no plan is made without them (a
    generic plan of a prepared statement walked every deal newest first)."""
    from sqlalchemy import event

    engine = app.extensions["netsales"]
    postgresql = db.engine.dialect.name == "postgresql"
    windows_of_text = {query.lower()[:DEAL_SEARCH_WINDOW], query.lower()[-DEAL_SEARCH_WINDOW:]}
    for role in ("rep", "supervisor", "manager"):  # the scopes own, team and all
        run = []

        def record(conn, cursor, statement, parameters, context, executemany, run=run):
            if "pipeline_deal_gram" in statement:
                run.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            with app.test_request_context("/"):
                engine.collect("global_search", SearchResult, only="pipeline", query=query, user=team[role],
                               limit=20)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        ((statement, parameters),) = run
        if postgresql:
            assert all(f"'{window}'" in statement for window in windows_of_text), statement
            continue
        plan = " | ".join(row[-1] for row in db.session.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", parameters))
        assert "pipeline_deal_gram USING PRIMARY KEY" in plan, plan
        assert "SCAN pipeline_deal" not in plan and "ix_pipeline_deal_owner" not in plan, (role, plan)
