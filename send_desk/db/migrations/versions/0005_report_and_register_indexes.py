"""Indexes for the weekly summary and for the register's default (open cases by received date).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 18:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the indexes."""
    op.create_index(
        "ix_case_stage_responded", "case_stage", ["responded_on", "respond_by", "respond_by_unextended"]
    )
    op.create_index("ix_case_stage_acknowledged", "case_stage", ["acknowledged_on", "acknowledge_by"])
    op.create_index("ix_case_stage_stage_started", "case_stage", ["stage", "started_on"])
    op.create_index("ix_case_status_received_on", "case_record", ["status", "received_on"])


def downgrade() -> None:
    """Drop the indexes."""
    op.drop_index("ix_case_status_received_on", table_name="case_record")
    op.drop_index("ix_case_stage_stage_started", table_name="case_stage")
    op.drop_index("ix_case_stage_acknowledged", table_name="case_stage")
    op.drop_index("ix_case_stage_responded", table_name="case_stage")
