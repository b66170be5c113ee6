"""Money helpers shared by every plugin: amounts in Chinese capital numerals (大写金额) for printed forms.

Rules of Chinese financial writing: 零 stands once for any run of zeros inside a group and before a non-zero
digit; 萬 and 億 groups are named only when they hold a digit; a whole amount ends in 整; 角 without 分 ends in 整
too; an amount below one yuan starts with its 角 or 分 (零 is not written first).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ("", "拾", "佰", "仟")
GROUPS = ("", "万", "亿", "万亿")


def _group(value: int) -> str:
    """A number below 10,000 in capitals, with 零 for inner zeros (no leading or trailing 零)."""
    text, zero = "", False
    for position in range(3, -1, -1):
        digit = value // 10**position % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += DIGITS[digit] + UNITS[position]
    return text


def _yuan(value: int) -> str:
    groups = []
    while value:
        groups.append(value % 10000)
        value //= 10000
    text = ""
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(text)
            continue
        # A zero is read between groups when the lower group does not fill all four places.
        if text and (pending_zero or group < 1000):
            text += "零"
        text += _group(group) + GROUPS[index]
        pending_zero = False
    return text


def to_chinese_capital(amount: Decimal) -> str:
    """``Decimal("1234.56")`` → "壹仟贰佰叁拾肆元伍角陆分"; ``Decimal("10")`` → "壹拾元整"; zero → "零元整".

    Rounds to the fen; a negative amount is written with 负 in front."""
    if not isinstance(amount, Decimal):
        raise TypeError("to_chinese_capital takes a Decimal")
    if not amount.is_finite():
        raise ValueError("not a finite amount")
    fen_total = int((abs(amount) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    if fen_total >= 10**18:
        raise ValueError("amount too large to write in capitals")
    sign = "负" if amount < 0 and fen_total else ""
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    if fen_total == 0:
        return "零元整"
    text = _yuan(yuan)
    if text:
        text += "元"
    if jiao == 0 and fen == 0:
        return sign + text + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif text:
        text += "零"  # 壹佰元零伍分
    if fen:
        text += DIGITS[fen] + "分"
    else:
        text += "整"
    return sign + text
