"""The migration that turned a post's pasted address into the record it names (8d2f4b6a1c57, R8.1.2) keeps what
posts already said, and gives it back on the way down."""

from __future__ import annotations

from sqlalchemy import text


def test_addresses_already_stored_become_the_records_they_name_and_come_back(migrate_plugin):
    migrations = migrate_plugin("team")
    migrations.upgrade("4c1d7e2a9b30")  # posts named their subject by a path
    with migrations.engine.begin() as connection:
        connection.execute(text("INSERT INTO core_user (login, name, active, session_token, position, created_at) "
                                "VALUES ('writer', 'Writer', true, 'x', 'other', '2026-12-01')"))
        author = connection.execute(text("SELECT id FROM core_user WHERE login = 'writer'")).scalar()
        for title, path in (("a", "/crm/customers/7"), ("b", "/pipeline/deals/12"), ("c", "/training/courses/3"),
                            ("d", "/team/posts/1"), ("e", None)):
            connection.execute(text("INSERT INTO team_post (title, kind, body_html, body_text, related_path, author_id, "
                                    "like_count, created_at) VALUES (:t, 'tip', 'x', 'x', :p, :a, 0, '2026-12-01')"),
                               {"t": title, "p": path, "a": author})
    migrations.upgrade()
    assert migrations.drift() == []
    with migrations.engine.connect() as connection:
        rows = connection.execute(text("SELECT title, related_kind, related_id FROM team_post ORDER BY title")).all()
    assert [tuple(row) for row in rows] == [("a", "crm.customer", 7), ("b", "pipeline.deal", 12),
                                             ("c", "training.course", 3), ("d", None, None), ("e", None, None)]
    migrations.downgrade("4c1d7e2a9b30")
    with migrations.engine.connect() as connection:
        paths = connection.execute(text("SELECT related_path FROM team_post ORDER BY title")).scalars().all()
    assert paths == ["/crm/customers/7", "/pipeline/deals/12", "/training/courses/3", None, None]
