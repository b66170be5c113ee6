"""Migrating an empty database gives exactly the models' schema (issue 2 §5), on SQLite and PostgreSQL."""

from sqlalchemy import create_engine

from core.db import migrations
from core.setup import plugin_lineage


def test_every_lineage_migrates_an_empty_database_to_exactly_the_models(app, fresh_database):
    engine = app.extensions["netsales"]
    db_engine = create_engine(fresh_database.url)
    try:
        lineages = [migrations.core_lineage()]
        lineages += [lin for name in engine.order if (lin := plugin_lineage(engine, name))]
        for lineage in lineages:
            migrations.upgrade(db_engine, lineage)
        for lineage in lineages:
            assert migrations.drift(db_engine, lineage) == [], f"{lineage.owner}: models and migrations differ"
            assert not migrations.pending(db_engine, lineage)
    finally:
        db_engine.dispose()


def test_core_migrations_go_down_and_up_again(app, fresh_database):  # app: the models are registered, as drift() compares against them
    db_engine = create_engine(fresh_database.url)
    lineage = migrations.core_lineage()
    try:
        migrations.upgrade(db_engine, lineage)
        assert "core_user" in migrations.owned_tables(db_engine, lineage)
        migrations.downgrade(db_engine, lineage)
        assert migrations.owned_tables(db_engine, lineage) == []
        migrations.upgrade(db_engine, lineage)
        assert migrations.drift(db_engine, lineage) == []
    finally:
        db_engine.dispose()


def test_a_new_revision_is_written_into_the_plugins_own_lineage(app, tmp_path):
    from core.extensions import db

    lineage = migrations.Lineage("scratch", tmp_path / "versions")
    path = migrations.revision(db.engine, lineage, "scratch: nothing yet", autogenerate=False)
    assert path.parent == tmp_path / "versions"
    text = path.read_text()
    assert "scratch: nothing yet" in text and "down_revision: str | None = None" in text
