"""Building blocks for a plugin's substring index (a table of fixed-width windows of a text, kept by triggers:
CRM's crm_customer_gram, expenses' expenses_claim_gram) and for steering SQLite's planner around it.

- ``starts_with(column, prefix)``: a prefix as a range of the column's index (binary order on SQLite, "C" on
  PostgreSQL), so that every window starting with a typed text is one index range.
- ``prefix_match(column, prefix)`` and ``contains_any_case(column, text)``: a typed prefix through a column's
  plain index under any collation, and a case-blind substring test that is a plain LIKE wherever that is the same.
- ``sqlite_unindexed(column)`` and ``with_where_terms(stmt, rewrite)``: SQLite keeps no statistics here
  (sqlite_stat1 is never gathered), so it takes any equality on an indexed column for selective and may read
  tens of thousands of rows through that index where the substring index finds a handful. Writing the other
  conditions as ``+column`` leaves it no other index to choose. PostgreSQL, with statistics, chooses by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, String, and_, bindparam, exists, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

_MAX_CHAR = 0x10FFFF
_SURROGATES = range(0xD800, 0xE000)


def gram_type(window: int) -> Any:
    """The column type of a substring index's windows: compared by code point ("C" collation on PostgreSQL), so that
    the windows starting with a text are one range of the index."""
    return String(window).with_variant(String(window, collation="C"), "postgresql")


def successor(prefix: str) -> str | None:
    """The smallest string after every string that starts with ``prefix`` (code point order), None if none."""
    for position in range(len(prefix) - 1, -1, -1):
        code = ord(prefix[position]) + 1
        if code in _SURROGATES:  # not characters: UTF-8 cannot carry them
            code = _SURROGATES.stop
        if code <= _MAX_CHAR:
            return prefix[:position] + chr(code)
    return None


def starts_with(column: Any, prefix: str) -> Any:
    """``column`` starts with ``prefix``, as a range of its index (binary order on SQLite, "C" on PostgreSQL)."""
    after = successor(prefix)
    return column >= prefix if after is None else and_(column >= prefix, column < after)


class sqlite_unindexed(FunctionElement):  # noqa: N801  (an SQL construct, named like one)
    """SQL: ``column`` as it is, written on SQLite so that no index serves a condition on it ("+column")."""

    inherit_cache = True

    def __init__(self, column: Any) -> None:
        self.type = column.type
        super().__init__(column)


@compiles(sqlite_unindexed)
def _unindexed_default(element: Any, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(sqlite_unindexed, "sqlite")
def _unindexed_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


def where_terms(stmt: Select) -> tuple[Any, ...]:
    """The top-level WHERE terms of ``stmt`` (ANDed). SQLAlchemy has no public accessor for them: this and
    with_where_terms are the one place that reads them."""
    return tuple(stmt._where_criteria)


def with_where_terms(stmt: Select, rewrite: Callable[[Any], Any]) -> Select:
    """``stmt`` with each of its top-level WHERE terms replaced by ``rewrite(term)``; ``stmt`` itself when
    nothing changes."""
    terms = where_terms(stmt)
    rewritten_terms = tuple(rewrite(term) for term in terms)
    if all(new is old for new, old in zip(rewritten_terms, terms, strict=True)):
        return stmt
    rewritten = stmt._generate()
    rewritten._where_criteria = rewritten_terms
    return rewritten


#: The character right after each digit and Latin letter in every collation's order, the "C" one as well as
#: linguistic ones (en_US, zh_CN, ICU). 9, Z and z have none there: "SO-9" -> "SO-:" would be wrong.
_NEXT = {c: chr(ord(c) + 1) for c in "012345678ABCDEFGHIJKLMNOPQRSTUVWXYabcdefghijklmnopqrstuvwxy"}


def is_sqlite() -> bool:
    """The application's database is SQLite (the helpers below write for its planner and its LIKE)."""
    from core.extensions import db

    return db.session.get_bind().dialect.name == "sqlite"


def prefix_upper(prefix: str) -> str | None:
    """The end of prefix_match's range for ``prefix``: its last digit or Latin letter raised, what follows it
    dropped; None when it has neither (the prefix is then looked up whole)."""
    for position in range(len(prefix) - 1, -1, -1):
        if prefix[position] in _NEXT:
            return prefix[:position] + _NEXT[prefix[position]]
    return None


def prefix_match(column: Any, prefix: str) -> ColumnElement[bool]:
    """``column`` starts with ``prefix`` (case as given): a range of the column's plain index, confirmed by LIKE.

    The range runs from ``prefix`` to ``prefix`` with its last digit or letter raised (what follows it dropped):
    every value starting with ``prefix`` lies in it whatever the database's collation, where a code-point
    successor would cut values off under a linguistic one, which orders punctuation differently. A prefix without
    a digit or Latin letter is looked up whole (equality)."""
    upper = prefix_upper(prefix)
    if upper is None:
        return column == prefix
    return and_(column >= prefix, column < upper, column.startswith(prefix, autoescape=True))


def contains_any_case(column: Any, text: str) -> ColumnElement[bool]:
    """``column`` contains ``text``, letters in any case; "%" and "_" are plain characters.

    A plain LIKE wherever it does the same: on SQLite, whose LIKE ignores the case of Latin letters already, and
    for a text without letters that have a case (Chinese, digits). On PostgreSQL, lower() on both sides otherwise:
    over 150,000 contact names ILIKE took about 200 ms, lower() LIKE 100 ms and a plain LIKE 20-40 ms."""
    if is_sqlite() or text.lower() == text.upper():
        return column.contains(text, autoescape=True)
    return func.lower(column).like(func.lower(literal(f"%{like_escaped(text)}%")), escape="/")


# The same conditions with the texts as bound parameters, for a statement built once per process and run with
# different texts (the CRM's and the pipeline's global search, issue 18). Each builder goes with the function that
# gives its parameters' values.


def like_escaped(text: str) -> str:
    """``text`` inside a LIKE pattern with ESCAPE '/': "%" and "_" plain characters (SQLAlchemy's autoescape)."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def bound_prefix_match(column: Any, name: str, ranged: bool) -> ColumnElement[bool]:
    """prefix_match with the prefix as parameters ``name``_from/_to/_like, or ``name``_from alone (equality) when
    not ``ranged`` (a prefix with no digit or Latin letter): values from prefix_parameters."""
    if not ranged:
        return column == bindparam(f"{name}_from")
    return and_(column >= bindparam(f"{name}_from"), column < bindparam(f"{name}_to"),
                column.like(bindparam(f"{name}_like"), escape="/"))


def prefix_parameters(name: str, prefix: str) -> dict[str, str]:
    """The parameters of ``bound_prefix_match(column, name, ranged=prefix_upper(prefix) is not None)``."""
    upper = prefix_upper(prefix)
    if upper is None:
        return {f"{name}_from": prefix}
    return {f"{name}_from": prefix, f"{name}_to": upper, f"{name}_like": f"{like_escaped(prefix)}%"}


def needs_lower(text: str, postgresql: bool) -> bool:
    """contains_any_case's choice: lower() on both sides on PostgreSQL for a text with letters that have a case."""
    return postgresql and text.lower() != text.upper()


def bound_contains(column: Any, name: str, lower: bool) -> ColumnElement[bool]:
    """contains_any_case with the text as parameter ``name`` (its value from contains_pattern), ``lower`` from
    needs_lower.

    The SQL writes the pattern around the parameter (LIKE '%' || :name || '%'): SQLite prepares a LIKE whose whole
    pattern is a parameter again at each run (about 60 µs a statement), not one whose pattern is an expression."""
    if lower:
        return func.lower(column).contains(func.lower(bindparam(name, type_=String)), escape="/")
    return column.contains(bindparam(name, type_=String), escape="/")


def contains_pattern(text: str) -> str:
    """The value of bound_contains's parameter for ``text``: the text with "%", "_" and "/" escaped."""
    return like_escaped(text)


# A substring index's look-up with the typed text as parameters (the CRM's customers and contacts, the pipeline's
# deal titles). The index holds, for every position of a value (folded as the search folds it), the ``window``
# characters starting there. A text of at most ``window`` characters occurs in a value exactly when one of its rows
# starts with the text: one range of the index ("range"; "from" when the text has no successor, so no upper end).
# A longer text is looked up by its first and last windows ("ends"; "first" when the two are equal), and the
# caller's LIKE confirms the candidates.


def window_shape(text: str, window: int) -> str:
    """How an index of ``window``-character windows answers ``text`` (folded as the index is): see above."""
    if len(text) <= window:
        return "range" if successor(text) is not None else "from"
    return "first" if text[:window] == text[-window:] else "ends"


def window_parameters(name: str, text: str, window: int) -> dict[str, str]:
    """The parameters of bound_window_candidates(…, ``name``, window_shape(``text``, ``window``)):
    ``name``_from and _to, or _first and _last."""
    if len(text) > window:
        return {f"{name}_first": text[:window], f"{name}_last": text[-window:]}
    after = successor(text)
    return {f"{name}_from": text} if after is None else {f"{name}_from": text, f"{name}_to": after}


def bound_window_candidates(gram: Any, other: Any, row_id: str, name: str, shape: str, *, literal: bool = False,
                            **equal: Any) -> Select:
    """The ids (column ``row_id``) of the rows whose value may hold the text (exactly those for a "range" or "from"
    shape), from a substring index whose columns are ``gram`` and, for a longer text, an alias's ``other``; each
    of ``equal`` (column name: value) is required of both, as a field of an index over several values. The windows
    are parameters (window_parameters), or written into the SQL at each run when ``literal`` (literal_execute):
    see the pipeline's global search for why on PostgreSQL."""

    def window(suffix: str) -> Any:
        return bindparam(f"{name}_{suffix}", type_=String, literal_execute=literal)

    def on(columns: Any) -> list[Any]:
        return [columns[column] == value for column, value in equal.items()]

    if shape in ("range", "from"):
        conditions = [gram.gram >= window("from")]
        if shape == "range":
            conditions.append(gram.gram < window("to"))
        return select(gram[row_id]).where(*on(gram), *conditions)
    stmt = select(gram[row_id]).where(*on(gram), gram.gram == window("first"))
    if shape == "ends":
        stmt = stmt.where(exists().where(*on(other), other.gram == window("last"), other[row_id] == gram[row_id]))
    return stmt


def cased_beyond_ascii(text: str) -> bool:
    """``text`` has a letter with a case other than ASCII's: the databases' lower() may fold it otherwise than
    Python's, so an index of lower()-cased windows cannot be looked up for it."""
    return any(not ch.isascii() and ch.lower() != ch.upper() for ch in text)
