"""Exact line and document totals, to the fen (DESIGN.md: Decimal, never float)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
HUNDRED = Decimal("100")
#: What the columns hold (models: quantities Numeric(12, 3), money Numeric(14, 2)). A larger number is an input
#: error: the database would refuse it, and rounding it to the fen raises decimal.InvalidOperation.
MAX_QUANTITY = Decimal("1e9")
MAX_AMOUNT = Decimal("1e12")


def line_fits(quantity: Decimal, unit_price: Decimal) -> bool:
    """A line of ``quantity`` × ``unit_price`` can be stored: finite, quantity above zero, price not negative, and
    the quantity, the price and their product within the columns."""
    if not (quantity.is_finite() and unit_price.is_finite()):
        return False
    return 0 < quantity < MAX_QUANTITY and 0 <= unit_price < MAX_AMOUNT and quantity * unit_price < MAX_AMOUNT


def to_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    tax: Decimal
    gross: Decimal
    list_net: Decimal  # what the line would cost without the discount

    @property
    def discount_amount(self) -> Decimal:
        return self.list_net - self.net


def line_amounts(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal, tax_rate: Decimal) -> LineAmounts:
    """Net = quantity × price × (1 − discount), rounded to the fen once; tax on the rounded net, rounded once."""
    list_net = to_fen(quantity * unit_price)
    net = to_fen(quantity * unit_price * (HUNDRED - discount_percent) / HUNDRED)
    tax = to_fen(net * tax_rate)
    return LineAmounts(net=net, tax=tax, gross=net + tax, list_net=list_net)
