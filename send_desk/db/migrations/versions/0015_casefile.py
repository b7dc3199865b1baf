"""The case file: when a contact was written down, and field lengths held by the database.

- timeline_entry.recorded_at: when a note or contact was recorded; `at` stays when it happened (a call
  written up afterwards). Existing rows were written as they happened, so they take `at`.
- Field lengths (domain/limits.py): a CHECK constraint per column on PostgreSQL, a trigger pair on
  SQLite (see send_desk/db/limits.py); new writes only, so older rows stay readable.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 05:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from send_desk.db.limits import drop_statements, limit_statements

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the recorded-at column and the field-length rules."""
    with op.batch_alter_table("timeline_entry") as batch:
        batch.add_column(sa.Column("recorded_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE timeline_entry SET recorded_at = at")
    for statement in limit_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    """Remove them again."""
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    with op.batch_alter_table("timeline_entry") as batch:
        batch.drop_column("recorded_at")
