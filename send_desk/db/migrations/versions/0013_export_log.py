"""The export log: every export of personal data recorded.

- export_log: one row per export (spreadsheet, CSV, report PDF, case print-out, subject-access pack,
  audit export): who, when, what kind, the file's name, the filters as JSON, how many rows, pseudonymised.
(The team's pseudonymised-only rule is a row of desk_setting, key "exports.pseudonymised_only".)

Revision ID: 0013
Revises: 0016
Create Date: 2026-12-02 06:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0013"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table."""
    op.create_table(
        "export_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("login", sa.String(120), nullable=False),
        sa.Column("actor_name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("target", sa.String(500), nullable=False),
        sa.Column("filters", sa.Text(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("pseudonymised", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_log")),
    )
    op.create_index("ix_export_log_at", "export_log", ["at"])



def downgrade() -> None:
    """Drop the table."""
    op.drop_index("ix_export_log_at", table_name="export_log")
    op.drop_table("export_log")
