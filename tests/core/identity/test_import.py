"""Importing users from CSV / XLSX (issue 3 §6): a dry run, a per-row report, and all rows or none."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from core.identity.importer import ImportFileError, import_users
from core.identity.models import Department, User

HEADER = "login,name,email,phone,position,department,superior_login,hire_date,roles\n"


@pytest.fixture(autouse=True)
def english(app):
    """Messages in English, so that the assertions can read them (the company default is Chinese)."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield


@pytest.fixture
def sales(db):
    department = Department(name="网络销售部")
    db.session.add(department)
    db.session.commit()
    return department


def count(db):
    return db.session.scalar(select(func.count(User.id)))


def test_a_good_csv_imports_everyone_with_superiors_from_the_same_file(db, org, sales):
    data = (HEADER
            + "lead,李强,li@example.cn,13900000000,sales_supervisor,网络销售部,manager,2026-01-05,sales_supervisor\n"
            + "zhao,赵敏,,,网络销售代表,网络销售部,lead,2026/02/01,sales_rep\n"
            + "qian,钱伟,,,Sales representative,,lead,,\"sales_rep, hr\"\n").encode()
    report = import_users(db.session, "people.csv", data)
    db.session.commit()
    assert report.ok and report.created == 3
    lead, zhao, qian = (db.session.scalar(select(User).where(User.login == login)) for login in ("lead", "zhao", "qian"))
    assert lead.superior_id == org.manager.id and zhao.superior_id == lead.id
    assert zhao.position == "sales_rep" and zhao.department_id == sales.id and str(zhao.hire_date) == "2026-02-01"
    assert sorted(r.code for r in qian.roles) == ["hr", "sales_rep"]


def test_one_bad_row_means_nothing_is_imported_and_each_problem_is_reported(db, org, sales):
    before = count(db)
    data = (HEADER
            + "okay,好人,,,sales_rep,,,,sales_rep\n"
            + "rep1,重复,,,sales_rep,,,,\n"
            + "bad,坏,not-mail,,wizard,无此部门,ghost,31/02/2026,nosuchrole\n"
            + "okay,又一次,,,,,,,\n").encode()
    report = import_users(db.session, "people.csv", data)
    assert not report.ok and report.created == 0
    db.session.commit()
    assert count(db) == before
    by_line = {row.line: row.errors for row in report.rows}
    assert by_line[2] == []
    assert any("already taken" in e for e in by_line[3])
    assert len(by_line[4]) == 6  # email, position, department, date, roles, superior
    assert any("twice" in e for e in by_line[5])


def test_a_circle_of_superiors_inside_the_file_is_refused(db, org):
    data = (HEADER + "ann,Ann,,,,,bob,,\n" + "bob,Bob,,,,,ann,,\n").encode()
    report = import_users(db.session, "people.csv", data)
    assert not report.ok and all(any("circle" in e for e in row.errors) for row in report.rows)


def test_dry_run_checks_and_saves_nothing(db, org):
    before = count(db)
    report = import_users(db.session, "people.csv", (HEADER + "dry,Dry,,,,,,,\n").encode(), dry_run=True)
    db.session.commit()
    assert report.ok and report.created == 0 and count(db) == before


def test_xlsx_and_gbk_csv_are_read(db, org):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["login", "name", "phone", "hire_date"])
    from datetime import datetime

    sheet.append(["xl1", "表格一", 13812345678, datetime(2025, 7, 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert import_users(db.session, "people.xlsx", buffer.getvalue()).created == 1
    assert import_users(db.session, "gbk.csv", "login,name\ngbk1,国标码\n".encode("gbk")).created == 1
    db.session.commit()
    xl1 = db.session.scalar(select(User).where(User.login == "xl1"))
    assert xl1.phone == "13812345678" and str(xl1.hire_date) == "2025-07-01"
    assert db.session.scalar(select(User.name).where(User.login == "gbk1")) == "国标码"


@pytest.mark.parametrize("filename, data, message", [
    ("people.txt", b"login,name\n", "Upload a .csv or .xlsx"),
    ("people.csv", b"login,nom\n", "Unknown columns"),
    ("people.csv", b"name\nx\n", "Missing columns"),
    ("people.xlsx", b"not a zip file", "not a readable .xlsx"),
])
def test_an_unreadable_file_is_refused_as_a_whole(app, db, filename, data, message):
    with pytest.raises(ImportFileError, match=message):
        import_users(db.session, filename, data)


def test_the_import_page_shows_the_per_row_report(client, login_as, db, org):
    login_as(org.admin)
    bad = client.post("/admin/users/import", data={
        "file": (io.BytesIO((HEADER + "rep1,x,,,,,,,\n").encode()), "people.csv"), "dry_run": "",
    }, content_type="multipart/form-data")
    page = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "already taken" in page and "nobody was imported" in page
    good = client.post("/admin/users/import", data={
        "file": (io.BytesIO((HEADER + "webnew,网页导入,,,,,,,\n").encode()), "people.csv"), "dry_run": "",
    }, content_type="multipart/form-data")
    assert "Imported 1 people" in good.get_data(as_text=True)
    assert db.session.scalar(select(User.id).where(User.login == "webnew")) is not None
    wrong = client.post("/admin/users/import", data={"file": (io.BytesIO(b"x"), "people.pdf")},
                        content_type="multipart/form-data")
    assert wrong.status_code == 200 and 'class="field-error"' in wrong.get_data(as_text=True)
