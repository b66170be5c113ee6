"""The two shell pages of bench/shell_bench.py served by gunicorn, for its ``--http`` ratio:

- ``ours()``: NetSales as `netsales run` builds it (configuration from the NETSALES_* environment) plus the bench's
  shell page at SHELL_URL;
- ``floor()``: the bare Flask app of shell_floor.py, with the menu, names and links written by shell_bench to the
  JSON file in $NETSALES_SHELL_FLOOR.
"""

from __future__ import annotations

import json
import os

from flask import Flask

from bench.peers.shell_floor import floor_app


def ours() -> Flask:
    from bench.shell_bench import add_shell_page
    from core import create_app

    app = create_app()
    add_shell_page(app)
    return app


def floor() -> Flask:
    with open(os.environ["NETSALES_SHELL_FLOOR"], encoding="utf-8") as file:
        given = json.load(file)
    return floor_app(given["menu"], given["user_name"], given["company_name"], given["rules"],
                     statements=given.get("statements"), database_url=given.get("database_url"))
