"""The database's side of the field lengths: statements that hold columns to `domain/limits.py`'s table.

PostgreSQL gets a CHECK constraint per column; SQLite, whose ALTER TABLE cannot add a constraint without
rebuilding the table (and its search triggers), gets a pair of BEFORE INSERT / UPDATE triggers that
refuse a longer value. Both refuse new writes only: rows saved before the limits stay readable. A later
change of a limit is a new migration that drops these and makes them again from the table.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

from send_desk.domain.errors import ValidationError
from send_desk.domain.limits import DATABASE_COLUMNS, LIMITS


def constraint_name(table: str, column: str) -> str:
    """Return the name of the constraint (or trigger prefix) that holds a column to its limit."""
    return f"ck_{table}_{column}_length"


def _refusal(field: str) -> str:
    limit = LIMITS[field]
    return f"The {limit.called} is longer than the {limit.most} characters it can take."


def length_refusal(error: object) -> str | None:
    """Return the plain words of a driver error raised by a length limit, or None for any other error.

    SQLite's triggers raise the words themselves; PostgreSQL names the CHECK constraint.
    """
    for table, column, field in DATABASE_COLUMNS:
        message = _refusal(field)
        diag = getattr(error, "diag", None)
        if message in str(error) or getattr(diag, "constraint_name", None) == constraint_name(table, column):
            return message
    return None


_VARCHAR_TOO_LONG = re.compile(r"value too long for type character varying\((\d+)\)")


def varchar_refusal(error: object) -> str | None:
    """Return plain words for PostgreSQL refusing a value longer than its column, or None for another error.

    The server names the length but not the column, so the words say how many characters it takes.
    """
    found = _VARCHAR_TOO_LONG.search(str(error))
    if found is None:
        return None
    return f"One of the values is longer than the {found.group(1)} characters it can take."


def length_refused(too_long: str) -> ValidationError:
    """Return the error that refuses a save for a value longer than its column takes (nothing saved)."""
    return ValidationError(f"{too_long} Nothing was saved; shorten it and try again.")


def insert_trigger_names(table: str) -> list[str]:
    """Return the names of SQLite's triggers that hold a table's inserted rows to their lengths."""
    return [f"{constraint_name(t, column)}_insert" for t, column, _field in DATABASE_COLUMNS if t == table]


def first_too_long(connection: Connection, table: str, after_id: int) -> str | None:
    """Return the refusal for a row of `table` with an id above `after_id` holding an over-long value.

    What the insert triggers check row by row, checked once for rows inserted while they were set aside.
    """
    for t, column, field in DATABASE_COLUMNS:
        if t == table:
            found = connection.execute(
                text(f"SELECT 1 FROM {table} WHERE id > :after AND length({column}) > :most LIMIT 1"),
                {"after": after_id, "most": LIMITS[field].most},
            ).first()
            if found is not None:
                return _refusal(field)
    return None


def limit_statements(dialect: str) -> list[str]:
    """Return the statements that make the database refuse text longer than its field takes."""
    statements: list[str] = []
    for table, column, field in DATABASE_COLUMNS:
        limit = LIMITS[field]
        name = constraint_name(table, column)
        message = _refusal(field)
        if dialect == "sqlite":
            for event, on in (("insert", "INSERT"), ("update", f"UPDATE OF {column}")):
                statements.append(
                    f"CREATE TRIGGER {name}_{event} BEFORE {on} ON {table} "
                    f"WHEN length(NEW.{column}) > {limit.most} "
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                )
        else:
            statements.append(
                f"ALTER TABLE {table} ADD CONSTRAINT {name} "
                f"CHECK (char_length({column}) <= {limit.most}) NOT VALID"
            )
    return statements


def drop_statements(dialect: str) -> list[str]:
    """Return the statements that remove what `limit_statements` made."""
    statements: list[str] = []
    for table, column, _field in DATABASE_COLUMNS:
        name = constraint_name(table, column)
        if dialect == "sqlite":
            statements += [f"DROP TRIGGER IF EXISTS {name}_insert", f"DROP TRIGGER IF EXISTS {name}_update"]
        else:
            statements.append(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")
    return statements
