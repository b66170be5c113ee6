"""`netsales users create|list|set-password|import`."""

from __future__ import annotations

from sqlalchemy import select

from core.identity.models import User
from core.identity.passwords import verify_password


def test_create_list_and_set_password(cli_runner, db):
    out = cli_runner("users", "create", "clirep", "--name", "命令行", "--position", "sales_rep", "--role",
                     "sales_rep", "--password", "Cli-pass-2026").output
    assert "Created clirep" in out
    assert "clirep" in cli_runner("users", "list").output
    out = cli_runner("users", "set-password", "clirep", "--generate").output
    password = out.split("Password: ")[1].strip()
    db.session.expire_all()
    assert verify_password(db.session.scalar(select(User.password_hash).where(User.login == "clirep")), password)


def test_create_refuses_a_weak_password_and_an_unknown_superior(app, db):
    from click.testing import CliRunner

    from core.cli import cli

    cli.create_app = lambda *a: app
    weak = CliRunner().invoke(cli, ["users", "create", "weak", "--name", "W", "--password", "123"])
    assert weak.exit_code == 1
    ghost = CliRunner().invoke(cli, ["users", "create", "lost", "--name", "L", "--superior", "ghost", "--generate"])
    assert ghost.exit_code == 1 and "ghost" in ghost.output
    assert db.session.scalar(select(User.id).where(User.login.in_(["weak", "lost"]))) is None


def test_import_with_dry_run_then_for_real(app, db, tmp_path):
    from click.testing import CliRunner

    from core.cli import cli

    cli.create_app = lambda *a: app
    good = tmp_path / "people.csv"
    good.write_text("login,name\nfilea,文件甲\n", encoding="utf-8")
    dry = CliRunner().invoke(cli, ["users", "import", str(good), "--dry-run"])
    assert dry.exit_code == 0 and "nothing was saved" in dry.output
    assert db.session.scalar(select(User.id).where(User.login == "filea")) is None
    real = CliRunner().invoke(cli, ["users", "import", str(good)])
    assert real.exit_code == 0 and "Imported 1" in real.output
    bad = tmp_path / "bad.csv"
    bad.write_text("login,name\nfileb,\n", encoding="utf-8")
    refused = CliRunner().invoke(cli, ["users", "import", str(bad)])
    assert refused.exit_code == 1 and "line 2 (fileb)" in refused.output
