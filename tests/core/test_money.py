"""Amounts in Chinese capital numerals, as quotations and claim forms print them (大写金额), and amounts typed into
forms and the API (parse_money, money_schema, MoneyField: issue 11 F4)."""

from decimal import Decimal

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from werkzeug.datastructures import MultiDict
from wtforms import Form

from core.money import MoneyError, MoneyField, money_schema, parse_money, to_chinese_capital


@pytest.mark.parametrize(("amount", "capitals"), [
    ("0.05", "伍分"),
    ("0.50", "伍角整"),
    ("10.00", "壹拾元整"),
    ("100010.50", "壹拾万零壹拾元伍角整"),
    ("1000000.00", "壹佰万元整"),
    ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    ("100.05", "壹佰元零伍分"),
    ("0", "零元整"),
    ("100000000.00", "壹亿元整"),
    ("10001000.00", "壹仟万壹仟元整"),
    ("10000100.00", "壹仟万零壹佰元整"),
])
def test_tricky_amounts(amount, capitals):
    assert to_chinese_capital(Decimal(amount)) == capitals


def test_only_decimals_are_accepted():
    with pytest.raises(TypeError):
        to_chinese_capital(1.5)  # a float would already have lost the fen


# ----------------------------------------------------------------------------- amounts typed in (issue 11 F4)


@pytest.mark.parametrize("stored", [Decimal("NaN"), Decimal("Infinity"), Decimal("1E+40"), Decimal("9" * 40)])
def test_an_amount_no_column_holds_prints_without_capitals_rather_than_failing(stored):
    assert to_chinese_capital(stored) == ""


@pytest.mark.parametrize(("raw", "expected"), [
    ("128.5", Decimal("128.50")), (" 1,234.565 ", Decimal("1234.57")), (7, Decimal("7.00")), (0.07, Decimal("0.07")),
    ("-0", Decimal("0.00")), ("999999999999.99", Decimal("999999999999.99")), (Decimal("0.004"), Decimal("0.00")),
])
def test_parse_money_takes_what_a_numeric_14_2_column_holds(app, raw, expected):
    amount = parse_money(raw)
    assert amount == expected and str(amount) == str(expected)  # -0 comes back as 0.00


@pytest.mark.parametrize("raw", ["9" * 40, "1e40", "1e309", "1000000000000", "999999999999.995", "NaN", "Infinity",
                                 "-Infinity", "-0.01", "-5", "", None, True, "abc", "١٢", "²", [], {}, float("nan"),
                                 float("inf")])
def test_parse_money_refuses_with_a_message(app, raw):
    with app.test_request_context(), pytest.raises(MoneyError) as refused:
        parse_money(raw)
    assert str(refused.value)


def test_parse_money_bounds(app):
    with app.test_request_context():
        assert parse_money("-5", minimum=None) == Decimal("-5.00")
        with pytest.raises(MoneyError):
            parse_money("-1E+40", minimum=None)
        with pytest.raises(MoneyError):
            parse_money("0.00", positive=True)
        assert parse_money("0.01", positive=True) == Decimal("0.01")


def test_the_schema_refuses_what_parse_money_refuses(app):
    validator = Draft202012Validator(money_schema(), format_checker=FormatChecker())
    positive = Draft202012Validator(money_schema(positive=True, numbers=False))
    with app.test_request_context():
        for good in ("128.50", "0", 12, 12.5, "999999999999.99", 999999999999.99):
            assert validator.is_valid(good)
            parse_money(good)
        for bad in ("9" * 40, 1e40, "1e5", "-1", -0.5, "12.345", "", "NaN", True, None, "1,000"):
            assert not validator.is_valid(bad), bad
        assert positive.is_valid("0.01") and not positive.is_valid("0.00") and not positive.is_valid("0")
        assert not positive.is_valid(5)


class _Form(Form):
    amount = MoneyField("Amount")
    optional = MoneyField("Optional", required=False, positive=True)


def test_the_money_field_puts_the_refusal_next_to_the_field(app):
    with app.test_request_context():
        form = _Form(MultiDict({"amount": "9" * 40, "optional": "0"}))
        assert not form.validate()
        assert form.amount.errors and form.optional.errors
        assert 'value="' + "9" * 40 + '"' in form.amount()  # what was typed is shown again
        missing = _Form(MultiDict({}))
        assert not missing.validate() and missing.amount.errors and not missing.optional.errors
        good = _Form(MultiDict({"amount": "1,234.5", "optional": ""}))
        assert good.validate(), good.errors
        assert good.amount.data == Decimal("1234.50") and good.optional.data is None
