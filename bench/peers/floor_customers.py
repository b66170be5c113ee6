"""The floor of the customer list (issue 18 part 4): a bare Flask + Jinja page that runs the SQL our customer list
runs for its rows and count, with no login, no session, no menu and no ORM, and draws the rows as a table.

bench/peers_bench.py records the list's statements from our page (those that read crm_customer and its owners,
tags), writes them to a JSON file and serves this app with gunicorn over the same database:

    NETSALES_PEER_DATABASE_URL=... NETSALES_PEER_STATEMENTS=statements.json gunicorn -w 1 \
        'bench.peers.floor_customers:create_app()'
"""

from __future__ import annotations

import json
import os
from typing import Any

from flask import Flask
from sqlalchemy import create_engine

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Customers</title></head>
<body><main>
<h1>Customers</h1>
{% for rows in results %}
<table>
{% for row in rows %}<tr>{% for value in row %}<td>{{ value if value is not none else "—" }}</td>{% endfor %}</tr>
{% endfor %}
</table>
{% endfor %}
</main></body></html>
"""


def create_app() -> Flask:
    app = Flask("floor_customers")
    engine = create_engine(os.environ["NETSALES_PEER_DATABASE_URL"])
    with open(os.environ["NETSALES_PEER_STATEMENTS"], encoding="utf-8") as file:
        statements: list[tuple[str, Any]] = [(s, p) for s, p in json.load(file)]
    template = app.jinja_env.from_string(PAGE)

    @app.get("/customers")
    def customers() -> str:
        results = []
        connection = engine.raw_connection()  # the DB-API, as our harness replays SQL
        try:
            cursor = connection.cursor()
            for statement, parameters in statements:
                cursor.execute(statement, tuple(parameters) if isinstance(parameters, list) else parameters)
                results.append(cursor.fetchall())
            connection.rollback()
        finally:
            connection.close()
        return template.render(results=results)

    return app
