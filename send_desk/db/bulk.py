"""Bulk writes for imports: many rows a statement, ids taken from the database up front.

SQLAlchemy Core's bulk INSERT builds and type-converts every row's parameters through its compiler,
which is most of the time a 100,000-case import spends saving. Here each table's statement is written
once, each value is converted by its column's own type (`bind_processor`, so a date or a UTC time is
stored exactly as the ORM stores it), missing columns take the model's scalar default, and the rows go
to the driver as plain tuples, on the session's own connection and transaction: on SQLite hundreds of
rows in one multi-row INSERT (each statement run opens the table and its indexes once, not once a row),
on PostgreSQL the driver's `executemany`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Dialect, Table, bindparam, text
from sqlalchemy.orm import Session

from send_desk.db.limits import first_too_long, insert_trigger_names, length_refused

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
    start = _highest_id(session, table) + 1
    return list(range(start, start + count))


@dataclass(frozen=True)
class PreparedInsert:
    """One table's INSERT statement and its rows' parameters, converted and ready for the driver."""

    table: Table
    statement: str
    parameters: list[tuple[Any, ...]]

    def run(self, session: Session) -> None:
        """Insert the rows on the session's connection: multi-row INSERTs on SQLite, else `executemany`."""
        connection = session.connection()
        if connection.dialect.name != "sqlite" or len(self.parameters) == 1:
            connection.exec_driver_sql(self.statement, self.parameters)
            return
        head, one = self.statement.rsplit(" VALUES ", 1)
        per = max(1, min(MAX_ROWS_A_STATEMENT, _variable_limit(connection) // len(self.parameters[0])))
        for start in range(0, len(self.parameters), per):
            chunk = self.parameters[start : start + per]
            values = tuple(chain.from_iterable(chunk))
            connection.exec_driver_sql(f"{head} VALUES {', '.join([one] * len(chunk))}", values)


MAX_ROWS_A_STATEMENT = 500
"""The most rows one multi-row INSERT carries on SQLite (fewer where the columns would pass its limit)."""


def _variable_limit(connection: Connection) -> int:
    """Return how many parameters one SQLite statement takes (999 before SQLite 3.32)."""
    driver = connection.connection.driver_connection
    getlimit = getattr(driver, "getlimit", None)
    return int(getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)) if getlimit is not None else 999


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
    processors = {name: table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in given}
    pick = itemgetter(*given)
    picked = [pick(row) for row in rows] if len(given) > 1 else [(row[given[0]],) for row in rows]
    names: list[str] = []
    columns: list[Sequence[Any]] = []
    for name, down in zip(given, zip(*picked, strict=True), strict=True):
        if down.count(None) == len(down) and table.c[name].server_default is None and len(given) > 1:
            continue  # NULL in every row is what leaving the column out stores, without binding each NULL
        convert = processors[name]
        if convert is not None:  # each distinct value converted once (dates and times repeat)
            memo: dict[Any, Any] = {None: None}
            for value in set(down):
                if value is not None:
                    memo[value] = convert(value)
            down = tuple(map(memo.__getitem__, down))
        names.append(name)
        columns.append(down)
    for name, value in defaults.items():  # the same in every row: converted once
        convert = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        names.append(name)
        columns.append([value if value is None or convert is None else convert(value)] * len(rows))
    parameters = list(zip(*columns, strict=True))
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    quote = dialect.identifier_preparer.quote
    statement = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in names)}) "
        f"VALUES ({', '.join(marker for _ in names)})"
    )
    return PreparedInsert(table, statement, parameters)


def insert_rows(session: Session, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows (see `prepare_insert`) on the session's connection (`PreparedInsert.run`)."""
    prepared = prepare_insert(session.get_bind().dialect, table, rows)
    if prepared is not None:
        prepared.run(session)


def _highest_id(session: Session, table: Table) -> int:
    """Return the highest id in a table, or 0 when it is empty."""
    found = session.connection().execute(text(f"SELECT max(id) FROM {_quote(session, table.name)}")).scalar()
    return int(found or 0)


def _quote(session: Session, name: str) -> str:
    return session.connection().dialect.identifier_preparer.quote(name)


SEARCH_INDEX = "case_fts"
"""SQLite's full-text index of the cases' search text (an external-content FTS5 table over `case_record`)."""
SEARCH_INDEX_TRIGGER = "case_fts_ai"
"""The trigger that indexes each case as it is inserted."""
CASES_TABLE = "case_record"
"""The table whose rows the search index holds."""


@contextmanager
def row_triggers_set_aside(
    session: Session, tables: Sequence[Table], *, indexes_too: bool = False
) -> Iterator[None]:
    """Do for the rows inserted inside the block, once after it, what the tables' insert triggers do (SQLite).

    A trigger runs as a small program for every row inserted, which costs a bulk insert more than all
    its indexes. For the block the search index's trigger and the length triggers are set aside; after
    it the new rows are checked for over-long values in one query a column (refused in the triggers'
    own words, so nothing is saved) and indexed for search in one INSERT … SELECT, and the triggers are
    put back from their own stored definitions: the same transaction, so a failure leaves them as they were.

    `indexes_too` sets aside the tables' own indexes too (not those that keep a value unique) and makes
    them again after the block: sorting every row once costs less than placing each new row in a dozen
    indexes when most of the rows are new (a team's first import into a new desk).
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    names = [name for table in tables for name in insert_trigger_names(table.name)]
    if any(table.name == CASES_TABLE for table in tables):
        names.append(SEARCH_INDEX_TRIGGER)
    stored = _schema_rows(connection, "trigger", "name", names)
    made = _schema_rows(connection, "index", "tbl_name", [t.name for t in tables]) if indexes_too else []
    made = [
        (name, sql) for name, sql in made if not sql.upper().startswith("CREATE UNIQUE")
    ]  # refuses as it goes
    after = {table.name: _highest_id(session, table) for table in tables}
    for name, _sql in stored:
        connection.exec_driver_sql(f"DROP TRIGGER {name}")
    for name, _sql in made:
        connection.exec_driver_sql(f"DROP INDEX {name}")
    yield
    for table in tables:
        if (too_long := first_too_long(connection, table.name, after[table.name])) is not None:
            raise length_refused(too_long)
    for _name, sql in made:
        connection.exec_driver_sql(sql)
    if any(name == SEARCH_INDEX_TRIGGER for name, _sql in stored):
        connection.execute(
            text(
                f"INSERT INTO {SEARCH_INDEX} (rowid, search_text) SELECT id, search_text FROM {CASES_TABLE} "
                "WHERE id > :after"
            ),
            {"after": after[CASES_TABLE]},
        )
    for _name, sql in stored:
        connection.exec_driver_sql(sql)


def _schema_rows(connection: Connection, kind: str, key: str, values: list[str]) -> list[tuple[str, str]]:
    """Return (name, definition) of SQLite's triggers or made indexes whose `key` is one of `values`.

    Indexes SQLite makes itself for a UNIQUE or PRIMARY KEY constraint have no definition and stay.
    """
    found = connection.execute(
        text(
            f"SELECT name, sql FROM sqlite_master WHERE type = :kind AND {key} IN :values "
            "AND sql IS NOT NULL ORDER BY name"
        ).bindparams(bindparam("values", expanding=True)),
        {"kind": kind, "values": values},
    )
    return [(name, sql) for name, sql in found]


def mostly_new(session: Session, table: Table, count: int) -> bool:
    """Return whether `count` new rows would be at least as many as `table` holds already."""
    held = session.connection().execute(text(f"SELECT count(*) FROM {_quote(session, table.name)}")).scalar()
    return count >= int(held or 0)
