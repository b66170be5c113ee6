"""The claim search (the lists' search box, the global search, the API's ``q``): claims whose number or title
contains every word typed, found through the substring index expenses_claim_gram (models.ClaimSearchGram, kept by
triggers) rather than by reading every claim (issue 7 "Performance": 200,000 claims)."""

from __future__ import annotations

import string
from functools import lru_cache
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Select, String, and_, bindparam, exists, false, func, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql.visitors import replacement_traverse

from core.contracts import SearchResult
from core.db.substring_index import (
    bound_contains,
    contains_pattern,
    sqlite_unindexed,
    starts_with,
    successor,
    with_where_terms,
)
from core.extensions import db
from core.security import can, scope_for
from core.web.locale import page_formats
from core.web.record_links import record_url_prefix
from plugins.expenses.labels import state_label
from plugins.expenses.models import SEARCH_WINDOW, Claim, ClaimSearchGram, fold_case, folded_contains

#: Index rows of a word beyond which the search reads the list's own rows rather than the word's index range.
SEARCH_INDEX_LIMIT = 10_000


def _index_rows(word: str) -> Any:
    """The index rows the lookup of ``word`` (folded) reads: the windows starting with it, or for a word longer
    than a window, those equal to its last SEARCH_WINDOW characters (the distinctive end of a number: BX2025
    starts a whole year's claims)."""
    gram = ClaimSearchGram
    if len(word) > SEARCH_WINDOW:
        return select(gram.claim_id).where(gram.gram == word[-SEARCH_WINDOW:])
    return select(gram.claim_id).where(starts_with(gram.gram, word))


def _found_by_index(word: str) -> Any:
    """Claims whose number or title contains ``word`` (folded), from the index: exactly those for a word of at
    most SEARCH_WINDOW characters; for a longer one, the claims with its last and its first window (to confirm)."""
    rows = _index_rows(word)
    if len(word) > SEARCH_WINDOW:
        gram, other = ClaimSearchGram, aliased(ClaimSearchGram)
        rows = rows.where(exists().where(other.gram == word[:SEARCH_WINDOW], other.claim_id == gram.claim_id))
    return Claim.id.in_(rows)


def _contains(word: str) -> Any:
    """The claim's own number or title contains ``word`` (folded): what the index answers, tested on a row."""
    return or_(folded_contains(Claim.number, word), folded_contains(Claim.title, word))


def _search_plan(session: Any, text: str) -> tuple[Any, bool]:
    """The condition of a claim search, and whether the index answers it (see claim_search)."""
    words = list(dict.fromkeys(fold_case(text).split()))
    if not words:
        return true(), False
    probes = [select(func.count()).select_from(_index_rows(word).limit(SEARCH_INDEX_LIMIT).subquery())
              .scalar_subquery() for word in words]
    counts = session.execute(select(*probes)).one()
    rarest = min(range(len(words)), key=lambda i: counts[i])
    if counts[rarest] == 0:
        return false(), False
    if counts[rarest] >= SEARCH_INDEX_LIMIT:
        return and_(*(_contains(word) for word in words)), False
    exact = len(words[rarest]) <= SEARCH_WINDOW  # a short word needs no test on the row
    return and_(_found_by_index(words[rarest]),
                *(_contains(word) for i, word in enumerate(words) if i != rarest or not exact)), True


def claim_search(session: Any, text: str) -> Any:
    """The condition of a claim search (the lists' search box, the global search, the API's ``q``): every word of
    ``text`` occurs in the claim's number or title, as typed ("%" and "_" are literal), ASCII letters in any case
    (models.fold_case); never a read of every claim for a word that few claims contain.

    One statement first counts each word's index rows, up to SEARCH_INDEX_LIMIT. The rarest word, if under the
    limit, is looked up in the index (its range, read once: the count and the page cost what it matches) and
    the other words are tested on the claims found. If every word is common, the words are tested on the list's
    own rows: a page then reads its rows in the list's order until it is full, which takes few rows when many
    claims match (the count reads the rows of the list, as the list without a search does)."""
    return _search_plan(session, text)[0]


def _unindexed_on_sqlite(stmt: Any) -> Any:
    """``stmt`` with the claim columns of its WHERE terms written "+column" on SQLite (see searched)."""
    table = Claim.__table__

    def unindexed(element: Any) -> Any:
        return sqlite_unindexed(element) if isinstance(element, Column) and element.table is table else None

    return with_where_terms(stmt, lambda term: replacement_traverse(term, {}, unindexed))


def searched(stmt: Any, session: Any, text: str) -> Any:
    """``stmt``, a select of claims, narrowed to those the search ``text`` finds (claim_search).

    When the index answers, SQLite must start from the claims it finds. Without statistics (sqlite_stat1, which
    nothing here maintains) it takes any equality on an indexed column for selective: for "state = paid" it read
    the 90,000 paid claims of 200,000 by the state index to find the 11 the index had found. So the statement's
    other conditions are written so that no index serves them there ("+column"); PostgreSQL chooses by itself."""
    condition, by_index = _search_plan(session, text)
    if by_index and session.get_bind().dialect.name == "sqlite":
        stmt = _unindexed_on_sqlite(stmt)  # the select's own terms; the search's term is added after
    return stmt.where(condition)


# The global search (global_search hook): claim_search's two statements (the words' index counts, then the claims),
# built once per process for each shape they can take, with the words, the user and the limit as parameters, and
# run on the session's connection: building them at every search cost more than running them (issue 18), as for
# the CRM's and the pipeline's global search. The SQL is what claim_search and claim_visibility write.
#
# Shapes. A word's index rows (_index_rows): "range" (a word of at most SEARCH_WINDOW characters: the windows
# from it to its successor), "from" (the same without an upper end: no successor), "last" (a longer word: the
# windows equal to its last SEARCH_WINDOW characters). A word tested on the claim's own columns (_contains):
# on PostgreSQL the number of distinct ASCII letters it holds (folded_contains folds each in the column), on SQLite
# nothing (a LIKE).

#: Each statement is built once per shape (lru_cache): scopes × finance or not × databases × the words' shapes, a
#: few dozen in practice; SHAPES_KEPT bounds them whatever is typed.
SHAPES_KEPT = 512
#: The heading of the global search's claims (translated once a search).
_CLAIMS_LABEL = _l("Expense claims")


def _index_shape(word: str) -> str:
    if len(word) > SEARCH_WINDOW:
        return "last"
    return "range" if successor(word) is not None else "from"


def _index_parameters(name: str, word: str) -> dict[str, str]:
    """The parameters of _bound_index_rows(``name``, _index_shape(``word``)) and of _bound_found_by_index."""
    if len(word) > SEARCH_WINDOW:
        return {f"{name}_last": word[-SEARCH_WINDOW:], f"{name}_first": word[:SEARCH_WINDOW]}
    after = successor(word)
    return {f"{name}_from": word} if after is None else {f"{name}_from": word, f"{name}_to": after}


def _bound_index_rows(name: str, shape: str) -> Select:
    """_index_rows with the word as parameters ``name``_from/_to or ``name``_last."""
    gram = ClaimSearchGram
    if shape == "last":
        return select(gram.claim_id).where(gram.gram == bindparam(f"{name}_last"))
    condition = gram.gram >= bindparam(f"{name}_from")
    if shape == "range":
        condition = and_(condition, gram.gram < bindparam(f"{name}_to"))
    return select(gram.claim_id).where(condition)


def _bound_found_by_index(name: str, shape: str) -> Any:
    """_found_by_index with the word as parameters (_index_parameters)."""
    rows = _bound_index_rows(name, shape)
    if shape == "last":
        gram, other = ClaimSearchGram, aliased(ClaimSearchGram)
        rows = rows.where(exists().where(other.gram == bindparam(f"{name}_first"), other.claim_id == gram.claim_id))
    return Claim.id.in_(rows)


@lru_cache(maxsize=SHAPES_KEPT)
def _probe_statement(shapes: tuple[str, ...]) -> Select:
    """_search_plan's count of each word's index rows, up to :index_limit, the words as parameters w0_…, w1_…."""
    return select(*(select(func.count()).select_from(_bound_index_rows(f"w{i}", shape)
                                                     .limit(bindparam("index_limit")).subquery()).scalar_subquery()
                    for i, shape in enumerate(shapes)))


def _contains_letters(word: str, postgresql: bool) -> int:
    """A tested word's shape: the ASCII letters folded_contains folds in the column (PostgreSQL), else 0."""
    return len({ch for ch in word if ch in string.ascii_lowercase}) if postgresql else 0


def _contains_parameters(name: str, word: str, postgresql: bool) -> dict[str, str]:
    """The parameters of _bound_contains(``name``, _contains_letters(``word``, postgresql), postgresql)."""
    if not postgresql:
        return {name: contains_pattern(word)}
    values = {f"{name}_word": word}
    for n, letter in enumerate(sorted({ch for ch in word if ch in string.ascii_lowercase})):
        values[f"{name}_u{n}"], values[f"{name}_l{n}"] = letter.upper(), letter
    return values


def _bound_folded_contains(column: Any, name: str, letters: int, postgresql: bool) -> Any:
    """models.folded_contains with the word as parameters: on SQLite a LIKE (which folds ASCII letters itself),
    on PostgreSQL strpos over the column with each of the word's letters folded by replace()."""
    if not postgresql:
        return bound_contains(column, name, lower=False)
    haystack = column
    for n in range(letters):
        haystack = func.replace(haystack, bindparam(f"{name}_u{n}", type_=String),
                                bindparam(f"{name}_l{n}", type_=String))
    return func.strpos(haystack, bindparam(f"{name}_word", type_=String)) > 0


def _bound_contains(name: str, letters: int, postgresql: bool) -> Any:
    """_contains with the word as parameters (_contains_parameters)."""
    return or_(_bound_folded_contains(Claim.number, name, letters, postgresql),
               _bound_folded_contains(Claim.title, name, letters, postgresql))


@lru_cache(maxsize=SHAPES_KEPT)
def _claims_statement(scope: str | None, finance: bool, postgresql: bool, found: str | None,
                      tested: tuple[int, ...]) -> Select:
    """(id, number, title, state, total) of the claims the user sees (queries.bound_visibility) that the search
    finds, newest first (:limit): the rarest word looked up in the index when ``found`` (its shape; parameters
    r_…), the ``tested`` words (their shapes; parameters c0…, c1…) on the claim's columns."""
    from plugins.expenses.services.queries import bound_visibility

    stmt = select(Claim.id, Claim.number, Claim.title, Claim.state, Claim.total)
    visible = bound_visibility(scope, finance, postgresql)
    if visible is not None:
        stmt = stmt.where(visible)
    if found is not None:
        if not postgresql:
            stmt = _unindexed_on_sqlite(stmt)  # as searched(): the index's matches first
        stmt = stmt.where(_bound_found_by_index("r", found))
    for k, letters in enumerate(tested):
        stmt = stmt.where(_bound_contains(f"c{k}", letters, postgresql))
    return stmt.order_by(Claim.created_at.desc(), Claim.id.desc()).limit(bindparam("limit"))


def global_results(query: str, user: Any, limit: int) -> list[SearchResult]:
    """The global search's claims (global_search hook): every word in the number or the title, as the lists
    search (claim_search, through its index), among the claims ``user`` may see (claim_visibility), newest first.

    At most two statements, as claims_query(user, q=query) runs: the words' index counts (none without a word),
    then the claims (none when a word is in no claim's index)."""
    from plugins.expenses.services.common import VIEW
    from plugins.expenses.services.queries import sees_queues, visibility_parameters

    if not can(user, "expenses.claim.create") and not can(user, VIEW):
        return []
    # Plain rows on the session's connection (nothing for the ORM to do); pending changes are flushed first, as
    # the ORM's autoflush did.
    db.session.flush()
    connection = db.session.connection()
    postgresql = connection.dialect.name == "postgresql"
    words = list(dict.fromkeys(fold_case(query).split()))
    parameters: dict[str, Any] = {}
    found: str | None = None
    tested: list[str] = []
    if words:  # _search_plan
        shapes = tuple(_index_shape(word) for word in words)
        probe: dict[str, Any] = {"index_limit": SEARCH_INDEX_LIMIT}
        for i, word in enumerate(words):
            probe.update(_index_parameters(f"w{i}", word))
        counts = connection.execute(_probe_statement(shapes), probe).one()
        rarest = min(range(len(words)), key=lambda i: counts[i])
        if counts[rarest] == 0:
            return []  # a word no claim holds: nothing to find (claim_search's false())
        if counts[rarest] >= SEARCH_INDEX_LIMIT:
            tested = words
        else:
            found = shapes[rarest]
            parameters.update(_index_parameters("r", words[rarest]))
            exact = len(words[rarest]) <= SEARCH_WINDOW  # a short word needs no test on the row
            tested = [word for i, word in enumerate(words) if i != rarest or not exact]
    scope = scope_for(user, VIEW)
    finance = scope != "all" and sees_queues(user)
    parameters.update(visibility_parameters(user, scope), limit=limit)
    for k, word in enumerate(tested):
        parameters.update(_contains_parameters(f"c{k}", word, postgresql))
    letters = tuple(_contains_letters(word, postgresql) for word in tested)
    rows = connection.execute(_claims_statement(scope, finance, postgresql, found, letters), parameters).all()
    if not rows:
        return []
    url = record_url_prefix("expenses.claim_detail", "claim_id")
    label = str(_CLAIMS_LABEL)
    money = page_formats().money
    states: dict[str, str] = {}  # each state's label translated once a search
    results = []
    for claim_id, number, title, state, total in rows:
        shown = states.get(state)
        if shown is None:
            shown = states[state] = state_label(state)
        # A draft has no number yet: its title alone (never "None").
        results.append(SearchResult(title=f"{number} {title}" if number else title, url=f"{url}{claim_id}",
                                    kind="expense_claim",
                                    kind_label=label, snippet=f"{shown} · {money(total)}"))
    return results
