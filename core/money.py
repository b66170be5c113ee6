"""Money helpers shared by every plugin: amounts in Chinese capital numerals (大写金额) for printed forms.

Rules of Chinese financial writing: 零 stands once for any run of zeros inside a group and before a non-zero
digit; 萬 and 億 groups are named only when they hold a digit; a whole amount ends in 整; 角 without 分 ends in 整
too; an amount below one yuan starts with its 角 or 分 (零 is not written first).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.validators import StopValidation
from wtforms.widgets import TextInput

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

    Rounds to the fen; a negative amount is written with 负 in front. An amount no column holds (a stored NaN,
    Infinity or 1e40) gives "": a printed claim or quotation must not fail on it (issue 11 F4)."""
    if not isinstance(amount, Decimal):
        raise TypeError("to_chinese_capital takes a Decimal")
    if not amount.is_finite() or abs(amount) >= Decimal(10) ** 16:
        return ""
    fen_total = int((abs(amount) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
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


# ------------------------------------------------------------------------------------- amounts typed in (issue 11 F4)

#: The largest amount a Numeric(14, 2) column holds (DESIGN.md: money is Numeric(14, 2)).
MONEY_MAX = Decimal("999999999999.99")
FEN = Decimal("0.01")
#: An amount as text: up to 12 digits of yuan, up to 2 of fen ("128", "128.5", "128.50"; a minus sign only where
#: negative amounts are allowed).
MONEY_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"
SIGNED_MONEY_PATTERN = r"^-?[0-9]{1,12}(\.[0-9]{1,2})?$"


class MoneyError(ValueError):
    """An amount that cannot be taken; ``str(exc)`` is the translated message shown next to the field."""


def parse_money(raw: object, *, minimum: Decimal | None = Decimal("0"), positive: bool = False,
                maximum: Decimal = MONEY_MAX, exact: bool = False) -> Decimal:
    """``raw`` (text from a form or JSON, an int, a float from JSON, a Decimal) as an amount rounded to the fen.

    Refused with MoneyError: no number, NaN or Infinity, below ``minimum`` (None: no lower bound but -maximum),
    zero when ``positive``, beyond ``maximum`` (what the column holds), more than two decimals when ``exact``
    (otherwise rounded half up to the fen). The bounds are checked before rounding:
    rounding 1e40 to the fen raises decimal.InvalidOperation, and the database refuses it or stores 1e40."""
    amount = _as_decimal(raw)
    if amount is None or not amount.is_finite():
        raise MoneyError(_("Enter an amount such as 128.50."))
    if amount > maximum:
        raise MoneyError(_("The amount must not exceed %(amount)s.", amount=f"{maximum:,.2f}"))
    floor = -maximum if minimum is None else minimum
    if amount < floor:
        raise MoneyError(_("The amount cannot be negative.") if floor == 0
                         else _("The amount must be at least %(amount)s.", amount=f"{floor:,.2f}"))
    rounded = amount.quantize(FEN, rounding=ROUND_HALF_UP)
    if exact and rounded != amount:
        raise MoneyError(_("Amounts are exact to the fen: at most two decimal places."))
    if rounded == 0:
        if positive:
            raise MoneyError(_("The amount must be more than zero."))
        rounded = abs(rounded)  # -0.00 is stored and shown as 0.00
    return rounded


def _as_decimal(raw: object) -> Decimal | None:
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))  # the number as written in the JSON, not the float's binary expansion
    if not isinstance(raw, str):
        return None
    text = raw.strip().replace(",", "").replace("，", "").replace(" ", "")
    if not text or len(text) > 40 or not text.isascii():
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def money_schema(*, minimum: Decimal | None = Decimal("0"), positive: bool = False, numbers: bool = True,
                 nullable: bool = False, description: str = "") -> dict[str, object]:
    """The JSON Schema of an amount that ``parse_money`` (same arguments) takes: text such as "128.50", or, with
    ``numbers``, a JSON number (rounded to the fen). What it refuses, the schema refuses, so that the OpenAPI
    document tells the truth (issue 11 F7)."""
    floor = -MONEY_MAX if minimum is None else minimum
    kinds: list[str] = ["string", "number"] if numbers else ["string"]
    if nullable:
        kinds.append("null")
    schema: dict[str, object] = {
        "type": kinds, "maxLength": 15,
        "pattern": MONEY_PATTERN if floor >= 0 else SIGNED_MONEY_PATTERN,
        "description": description or "CNY, at most two decimals" + (" (a number is rounded to the fen)"
                                                                       if numbers else ""),
    }
    if numbers:
        # Whole fen: a number is rounded, so the smallest positive one is 0.005 rounded up to 0.01.
        schema["maximum"] = float(MONEY_MAX)
        schema["minimum"] = float(FEN) if positive else float(floor)
    if positive:
        schema["not"] = {"type": "string", "pattern": r"^0+(\.0*)?$"}  # "0", "0.00"
    return schema


class MoneyField(Field):
    """An amount typed into a form, read by ``parse_money``: what its column cannot hold (1e40, NaN, 40 nines) is a
    message next to the field, never a 500 (issue 11 F4). ``data`` is a Decimal, or None when left empty and not
    ``required``. ``amount = MoneyField(_l("Target (CNY)"))``; ``positive=True`` refuses zero."""

    widget = TextInput()

    def __init__(self, label: Any = None, validators: Any = None, *, minimum: Decimal | None = Decimal("0"),
                 positive: bool = False, required: bool = True, maximum: Decimal = MONEY_MAX, **kwargs: Any) -> None:
        render_kw = dict(kwargs.pop("render_kw", None) or {})
        render_kw.setdefault("inputmode", "decimal")
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.minimum, self.positive, self.required, self.maximum = minimum, positive, required, maximum
        if required:
            self.flags.required = True

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:  # not sent at all (a crafted post): the stored value or the default stays
            return
        raw = valuelist[0]
        self.data = None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if self.required:
                raise ValueError(str(_l("This field is required.")))
            return
        self.data = parse_money(raw, minimum=self.minimum, positive=self.positive, maximum=self.maximum)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if isinstance(self.data, Decimal) and self.data.is_finite():
            return f"{self.data:.2f}"
        return "" if self.data is None else str(self.data)

    def pre_validate(self, form: Any) -> None:
        # A field left out of a crafted POST altogether: a required amount is required all the same.
        if self.required and self.data is None and not self.process_errors:
            raise StopValidation(str(_l("This field is required.")))
