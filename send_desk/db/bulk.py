"""Bulk writes for imports: many rows in one DB-API `executemany`, ids taken from the database up front.

SQLAlchemy Core's bulk INSERT builds and type-converts every row's parameters through its compiler,
which is most of the time a 100,000-case import spends saving. Here each table's statement is written
once, each value is converted by its column's own type (`bind_processor`, so a date or a UTC time is
stored exactly as the ORM stores it), missing columns take the model's scalar default, and the rows go
to the driver as plain tuples, on the session's own connection and transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Dialect, Table, text
from sqlalchemy.orm import Session

Row = dict[str, Any]


def reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    """Return `count` new ids for rows of `table`, as the database would assign them.

    PostgreSQL takes them from the table's sequence (so it moves as it does for rows inserted one by
    one); SQLite, whose writer holds the database's write lock for the whole transaction
    (`BEGIN IMMEDIATE`), continues from the highest id, as it does itself.
    """
    if count <= 0:
        return []
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        found = connection.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
            {"table": table.name, "count": count},
        )
        return [int(value) for (value,) in found]
    highest = connection.execute(text(f"SELECT max(id) FROM {_quote(session, table.name)}")).scalar()
    start = int(highest or 0) + 1
    return list(range(start, start + count))


@dataclass(frozen=True)
class PreparedInsert:
    """One table's INSERT statement and its rows' parameters, converted and ready for the driver."""

    table: Table
    statement: str
    parameters: list[tuple[Any, ...]]

    def run(self, session: Session) -> None:
        """Insert the rows in one `executemany` on the session's connection."""
        session.connection().exec_driver_sql(self.statement, self.parameters)


def prepare_insert(dialect: Dialect, table: Table, rows: Sequence[Row]) -> PreparedInsert | None:
    """Return the INSERT of rows (column name → value; every row names the same columns), or None for none.

    A column no row names takes its scalar default from the model (as a Core INSERT would), or NULL;
    an id column no row names is left to the database. Reads nothing from the database.
    """
    if not rows:
        return None
    given = list(rows[0])
    defaults: dict[str, Any] = {}
    for column in table.columns:
        if column.name in rows[0] or column.primary_key:
            continue
        default = column.default
        if default is not None and getattr(default, "is_scalar", False):
            defaults[column.name] = default.arg  # type: ignore[attr-defined]
    names = given + list(defaults)
    converters: list[tuple[int, Callable[[Any], Any]]] = []
    for index, name in enumerate(names):
        processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            converters.append((index, processor))
    fixed = list(defaults.values())
    memos: list[dict[Any, Any]] = [{} for _ in converters]  # dates and times repeat down a batch
    parameters: list[tuple[Any, ...]] = []
    for row in rows:
        values = [row[name] for name in given]
        values += fixed
        for (index, convert), memo in zip(converters, memos, strict=True):
            if (value := values[index]) is not None:
                found = memo.get(value)
                if found is None:
                    found = memo[value] = convert(value)
                values[index] = found
        parameters.append(tuple(values))
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    quote = dialect.identifier_preparer.quote
    statement = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in names)}) "
        f"VALUES ({', '.join(marker for _ in names)})"
    )
    return PreparedInsert(table, statement, parameters)


def insert_rows(session: Session, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows (see `prepare_insert`) in one `executemany` on the session's connection."""
    prepared = prepare_insert(session.get_bind().dialect, table, rows)
    if prepared is not None:
        prepared.run(session)


def _quote(session: Session, name: str) -> str:
    return session.connection().dialect.identifier_preparer.quote(name)


SEARCH_INDEX = "case_fts"
"""SQLite's full-text index of the cases' search text (an external-content FTS5 table over `case_record`)."""
SEARCH_INDEX_TRIGGER = "case_fts_ai"
"""The trigger that indexes each case as it is inserted."""


@contextmanager
def search_indexed_after(session: Session, table: Table, ids: Sequence[int]) -> Iterator[None]:
    """Index the search text of the cases inserted inside the block in one statement after it (SQLite).

    Indexing a case from its insert trigger costs several times what one INSERT … SELECT into the
    full-text index costs for a whole batch, so for the block the trigger is set aside and put back from
    its own stored definition: the same transaction, so a failure leaves it exactly as it was.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite" or not ids:
        yield
        return
    trigger = connection.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
        {"name": SEARCH_INDEX_TRIGGER},
    ).scalar()
    if trigger is None:
        yield
        return
    connection.exec_driver_sql(f"DROP TRIGGER {SEARCH_INDEX_TRIGGER}")
    yield
    connection.execute(
        text(
            f"INSERT INTO {SEARCH_INDEX} (rowid, search_text) SELECT id, search_text FROM "
            f"{_quote(session, table.name)} WHERE id BETWEEN :first AND :last"
        ),
        {"first": min(ids), "last": max(ids)},
    )
    connection.exec_driver_sql(trigger)
