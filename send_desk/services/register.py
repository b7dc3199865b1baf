"""The register: filtered, searched and sorted case ids, rows for them, and the dashboard counts."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, Select, and_, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, aliased

from send_desk.db.models import Case, Category, Person, Staff
from send_desk.domain.errors import SearchStoppedError
from send_desk.domain.kinds import CaseStatus, PersonRole
from send_desk.domain.reference import parse_typed_reference
from send_desk.domain.text import fold_accents
from send_desk.services.context import ServiceContext
from send_desk.services.views import RagWindow, case_rows, rag_window
from send_desk.values.cases import CaseFilter, CaseRow, CaseVersion, DashboardCounts

SORT_KEYS = (
    "reference",
    "kind",
    "received_on",
    "contact",
    "child",
    "category",
    "officer",
    "status",
    "acknowledge_by",
    "respond_by",
    "next_due",
    "overdue_days",
)
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
"""A run of letters and digits: the words FTS5's unicode61 tokenizer makes (underscore splits words)."""
STOP_CHECK_STEPS = 10_000
"""SQLite asks a stoppable search whether to stop every this many virtual-machine steps (about 0.1 ms)."""
HEAD_SCAN = 1000
"""How many cases, in the register's order, `RegisterService.head_ids` reads to find a first screenful."""


def search_tokens(text_: str) -> list[str]:
    """Split what a person typed into word tokens; punctuation and operators are ignored, never parsed."""
    return [token.lower() for token in _TOKEN.findall(text_)][:12]


def _folded(text_: str) -> str:
    """Return text lower-cased without accents, as the search index folds it."""
    return fold_accents(text_.lower())


def text_matches(tokens: Sequence[str], search_text: str) -> bool:
    """Tell whether every token begins a word of the search text (the index's match, done in Python)."""
    return _matches_folded([_folded(token) for token in tokens], search_text)


def _matches_folded(folded_tokens: Sequence[str], search_text: str) -> bool:
    """Tell whether every (already folded) token begins a word of the search text."""
    folded = _folded(search_text)
    if not all(token in folded for token in folded_tokens):
        return False
    words = _TOKEN.findall(folded)
    return all(any(word.startswith(token) for word in words) for token in folded_tokens)


def fts_query(tokens: Sequence[str]) -> str:
    """Return a safe FTS5 query: every token quoted as a prefix term, all required."""
    return " ".join('"' + token.replace('"', '""') + '"*' for token in tokens)


class RegisterService:
    """Read-only queries behind the register table, the dashboard and `send-desk cases`."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database and clock."""
        self.ctx = ctx

    def window(self) -> RagWindow:
        """Return today's RAG window."""
        with self.ctx.db.read() as session:
            return rag_window(session, self.ctx.today())

    def counts(self) -> DashboardCounts:
        """Return the dashboard counts: overdue, due today, due soon, awaiting acknowledgement, open."""
        with self.ctx.db.read() as session:
            window = rag_window(session, self.ctx.today())
            is_open = Case.status == CaseStatus.OPEN.value
            overdue = session.scalar(select(func.count()).where(is_open, Case.next_due < window.today)) or 0
            due_today = (
                session.scalar(select(func.count()).where(is_open, Case.next_due == window.today)) or 0
            )
            due_soon = (
                session.scalar(
                    select(func.count()).where(
                        is_open,
                        Case.next_due > window.today,
                        Case.next_due <= window.soon_until,
                        Case.due_soon_from <= window.today,
                    )
                )
                or 0
            )
            awaiting = (
                session.scalar(
                    select(func.count()).where(
                        is_open, Case.acknowledged_on.is_(None), Case.acknowledge_by.is_not(None)
                    )
                )
                or 0
            )
            open_count = session.scalar(select(func.count()).where(is_open)) or 0
            return DashboardCounts(overdue, due_today, due_soon, awaiting, open_count)

    def ids(
        self,
        case_filter: CaseFilter,
        sort: str = "received_on",
        descending: bool = True,
        *,
        limit: int | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> list[int]:
        """Return the ids of the cases the filter selects, sorted in the database (the first `limit` only).

        `should_stop` is asked now and then while SQLite works; when it says yes the search ends with
        SearchStoppedError (the window stops a search that a newer keystroke replaced). PostgreSQL searches
        run to the end.
        """
        with self.ctx.db.read() as session:
            window = rag_window(session, self.ctx.today())
            query = _sorted(self.filtered(session, select(Case.id), case_filter, window), sort, descending)
            if limit is not None:
                query = query.limit(limit)
            connection = session.connection()
            with _stoppable(connection, should_stop):
                # plain rows through the connection: the ORM's per-row work doubled the time of 65,000 ids
                return [row[0] for row in connection.execute(query)]

    def head_ids(
        self, case_filter: CaseFilter, sort: str, descending: bool, want: int, *, scan: int = HEAD_SCAN
    ) -> list[int] | None:
        """Return the first `want` ids of `ids()` quickly, or None when that needs the whole search.

        A word search that matches most cases (a phone prefix, "school") makes the index return most of
        the table before it can be sorted. The first `scan` cases in the register's order (the filter
        without its words, an index range) are read instead and the words matched in Python: if enough
        of them match, they are exactly the first screenful. A rare word returns None (the whole search
        is quick then). The caller still runs `ids()`, whose result is the truth.
        """
        tokens = search_tokens(case_filter.text)
        if not tokens or parse_typed_reference(case_filter.text) is not None:
            return self.ids(case_filter, sort, descending, limit=want)
        with self.ctx.db.read() as session:
            window = rag_window(session, self.ctx.today())
            wordless = replace(case_filter, text="")
            columns: Select[Any] = select(Case.id, Case.search_text)  # type: ignore[assignment]
            query = self.filtered(session, columns, wordless, window)
            rows = session.connection().execute(_sorted(query, sort, descending).limit(scan)).all()
        folded = [_folded(token) for token in tokens]  # once, not once per case read
        found = [case_id for case_id, search_text in rows if _matches_folded(folded, search_text or "")]
        if len(found) >= want or len(rows) < scan:
            return found[:want]
        return None

    def count(self, case_filter: CaseFilter) -> int:
        """Return how many cases the filter selects."""
        with self.ctx.db.read() as session:
            window = rag_window(session, self.ctx.today())
            query = self.filtered(session, select(func.count(Case.id)), case_filter, window)
            return int(session.scalar(query) or 0)

    def rows(self, ids: Sequence[int]) -> list[CaseRow]:
        """Return the register rows of the given ids, in that order."""
        with self.ctx.db.read() as session:
            return case_rows(session, ids, rag_window(session, self.ctx.today()))

    def latest_change(self, case_id: int) -> CaseVersion | None:
        """Return the saved version of a case with who saved it and when, or None if it is gone."""
        with self.ctx.db.read() as session:
            row = session.execute(
                select(Case.version, Case.updated_by, Case.updated_at).where(Case.id == case_id)
            ).first()
            return None if row is None else CaseVersion(int(row[0]), str(row[1] or ""), row[2])

    def list_cases(
        self, case_filter: CaseFilter, sort: str = "received_on", descending: bool = False
    ) -> list[CaseRow]:
        """Return every row the filter selects (for the command line and exports)."""
        ids = self.ids(case_filter, sort, descending)
        rows: list[CaseRow] = []
        for start in range(0, len(ids), 500):
            rows.extend(self.rows(ids[start : start + 500]))
        return rows

    def filtered(self, session: Session, query: Select[Any], f: CaseFilter, window: RagWindow) -> Select[Any]:
        """Add the filter's conditions to a query over cases (shared by the register and the export)."""
        conditions: list[Any] = []
        if f.case_ids:
            conditions.append(Case.id.in_(f.case_ids))
        if f.status in (CaseStatus.OPEN.value, CaseStatus.CLOSED.value):
            conditions.append(Case.status == f.status)
        if f.kinds:
            conditions.append(Case.kind.in_([kind.value for kind in f.kinds]))
        if f.officer_login:
            officer_id = select(Staff.id).where(Staff.login == f.officer_login).scalar_subquery()
            conditions.append(Case.officer_id == officer_id)
        if f.unassigned:
            conditions.append(Case.officer_id.is_(None))
        if f.category:
            category_id = select(Category.id).where(Category.name == f.category).scalar_subquery()
            conditions.append(Case.category_id == category_id)
        if f.received_from:
            conditions.append(Case.received_on >= f.received_from)
        if f.received_to:
            conditions.append(Case.received_on <= f.received_to)
        if f.overdue:
            conditions += [Case.status == CaseStatus.OPEN.value, Case.next_due < window.today]
        if f.due_today:
            conditions += [Case.status == CaseStatus.OPEN.value, Case.next_due == window.today]
        if f.due_within is not None:
            until = window.calendar.add_working_days(window.today, f.due_within)
            conditions += [Case.status == CaseStatus.OPEN.value, Case.next_due <= until]
        if f.due_soon:
            conditions += [
                Case.status == CaseStatus.OPEN.value,
                Case.next_due > window.today,
                Case.next_due <= window.soon_until,
                Case.due_soon_from <= window.today,
            ]
        if f.awaiting_acknowledgement:
            conditions += [
                Case.status == CaseStatus.OPEN.value,
                Case.acknowledged_on.is_(None),
                Case.acknowledge_by.is_not(None),
            ]
        reference = parse_typed_reference(f.text)
        tokens = search_tokens(f.text)
        if reference is not None:
            conditions.append(_reference_condition(session, *reference))
        elif tokens:
            conditions.append(_text_condition(session, tokens))
        return query.where(and_(*conditions)) if conditions else query


@contextmanager
def _stoppable(connection: Connection, should_stop: Callable[[], bool] | None) -> Iterator[None]:
    """Let SQLite interrupt the statements run inside when `should_stop()` turns true."""
    if should_stop is None or connection.dialect.name != "sqlite":
        yield
        return
    raw: Any = connection.connection.dbapi_connection
    raw.set_progress_handler(lambda: 1 if should_stop() else 0, STOP_CHECK_STEPS)
    try:
        yield
    except OperationalError as exc:
        if should_stop():
            raise SearchStoppedError from exc
        raise
    finally:
        raw.set_progress_handler(None, 0)


def word_prefix_pattern(token: str) -> str:
    """Return a PostgreSQL regular expression matching a word that starts with the token."""
    # tokens are letters and digits only (search_tokens), so nothing in them is a regex operator
    return "(^|[^[:alnum:]])" + token


def _reference_condition(session: Session, reference: str, whole: bool) -> Any:
    """Return the condition for a reference: equal to it (the unique index), or beginning with it.

    A beginning is matched as the one search word a reference is also indexed under (SD202600061), so a
    reference being typed is a narrow prefix search rather than "sd", "2026" and "0006" (every case).
    """
    if whole:
        return Case.reference == reference
    return _text_condition(session, [reference.replace("-", "").lower()])


def _text_condition(session: Session, tokens: Sequence[str]) -> Any:
    """Return the free-text condition: FTS5 on SQLite, a trigram-indexed regex on PostgreSQL.

    Both match every token as the start of a word, ignoring case and accents, so a search finds the same
    cases on either database.
    """
    if session.get_bind().dialect.name == "sqlite":
        matches = select(text("rowid")).select_from(text("case_fts")).where(text("case_fts MATCH :q"))
        return Case.id.in_(matches.params(q=fts_query(tokens)))
    # the search text is kept without accents (search_text_of), so the typed words lose theirs too
    patterns = [word_prefix_pattern(fold_accents(token)) for token in tokens]
    return and_(*[Case.search_text.regexp_match(pattern, flags="i") for pattern in patterns])


def _sorted(query: Select[Any], sort: str, descending: bool) -> Select[Any]:
    """Order a query of case ids by a register column, in the database."""
    if sort not in SORT_KEYS:
        sort = "received_on"
    column: Any
    if sort in ("contact", "child"):
        person = aliased(Person)
        role = PersonRole.CONTACT.value if sort == "contact" else PersonRole.CHILD.value
        query = query.outerjoin(person, (person.case_id == Case.id) & (person.role == role))
        column = person.name_key
    elif sort == "category":
        query = query.outerjoin(Category, Category.id == Case.category_id)
        column = Category.name
    elif sort == "officer":
        query = query.outerjoin(Staff, Staff.id == Case.officer_id)
        column = Staff.name
    elif sort == "overdue_days":  # more working days overdue is an earlier next due date
        column = Case.next_due
        descending = not descending
    else:
        column = getattr(Case, sort)
    primary = column.desc() if descending else column.asc()
    tiebreak = Case.id.desc() if descending else Case.id.asc()
    return query.order_by(primary.nulls_last(), tiebreak)
