"""Amounts in Chinese capital numerals, as quotations and claim forms print them (大写金额)."""

from decimal import Decimal

import pytest

from core.money import to_chinese_capital


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
