"""The claim search (the lists' search box, the global search, the API's ``q``): claims whose number or title
contains every word typed, found through the substring index expenses_claim_gram (models.ClaimSearchGram, kept by
triggers) rather than by reading every claim (issue 7 "Performance": 200,000 claims)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, and_, exists, false, func, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql.visitors import replacement_traverse

from core.db.substring_index import sqlite_unindexed, starts_with, with_where_terms
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


def searched(stmt: Any, session: Any, text: str) -> Any:
    """``stmt``, a select of claims, narrowed to those the search ``text`` finds (claim_search).

    When the index answers, SQLite must start from the claims it finds. Without statistics (sqlite_stat1, which
    nothing here maintains) it takes any equality on an indexed column for selective: for "state = paid" it read
    the 90,000 paid claims of 200,000 by the state index to find the 11 the index had found. So the statement's
    other conditions are written so that no index serves them there ("+column"); PostgreSQL chooses by itself."""
    condition, by_index = _search_plan(session, text)
    if by_index and session.get_bind().dialect.name == "sqlite":
        table = Claim.__table__

        def unindexed(element: Any) -> Any:
            return sqlite_unindexed(element) if isinstance(element, Column) and element.table is table else None

        # The select's own terms; the search's term is added after.
        stmt = with_where_terms(stmt, lambda term: replacement_traverse(term, {}, unindexed))
    return stmt.where(condition)


def global_results(query: str, user: Any, limit: int) -> list[Any]:
    """The global search's claims (global_search hook): every word in the number or the title, as the lists
    search (claim_search, through its index), among the claims ``user`` may see."""
    from flask import url_for
    from flask_babel import lazy_gettext as _l

    from core.contracts import SearchResult
    from core.extensions import db
    from core.security import can
    from core.web.locale import money
    from plugins.expenses.labels import state_label
    from plugins.expenses.services.queries import claims_query

    if not can(user, "expenses.claim.create") and not can(user, "expenses.claim.view"):
        return []
    claims = db.session.scalars(claims_query(user, q=query, session=db.session).limit(limit))
    return [SearchResult(title=f"{c.number} {c.title}", url=url_for("expenses.claim_detail", claim_id=c.id),
                         kind="expense_claim", kind_label=_l("Expense claims"),
                         snippet=f"{state_label(c.state)} · {money(c.total)}")
            for c in claims]
