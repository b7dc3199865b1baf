"""The export log and team settings: every export of personal data recorded; a team's export rule.

- export_log: one row per export (spreadsheet, CSV, report PDF, case print-out, subject-access pack,
  audit export): who, when, what kind, the file's name, the filters as JSON, how many rows, pseudonymised.
- team_setting: settings shared by the whole team (today: officers may export only pseudonymised).

Revision ID: 0013
Revises: 0008
Create Date: 2026-12-02 06:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0013"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the two tables."""
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
    op.create_table(
        "team_setting",
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_team_setting")),
    )


def downgrade() -> None:
    """Drop the two tables."""
    op.drop_table("team_setting")
    op.drop_index("ix_export_log_at", table_name="export_log")
    op.drop_table("export_log")
