"""The EHC process a case is about: its steps (latest current) with stored statutory dates, and the marks.

- ehc_step: which step of the EHC process (SEND Regulations 2014) a case is about, when it began, the
  post-16 flag (phase transfer) and the amendment notice (annual review), who recorded it, and the
  statutory dates worked out by send_desk.domain.ehc, one column per date name.
- ehc_date_mark: the day a statutory date was done, or the exception recorded against it.

Existing cases have no EHC step; nothing to fill.

Revision ID: 0009
Revises: 0016
Create Date: 2026-12-02 05:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0016"
branch_labels = None
depends_on = None

DATE_NAMES = (
    "decide_assessment_by",
    "decide_not_to_issue_by",
    "final_plan_by",
    "representations_until",
    "amended_plan_by",
    "review_decision_by",
    "transfer_plan_by",
)


def upgrade() -> None:
    """Create the two tables."""
    op.create_table(
        "ehc_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(30), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("post16", sa.Boolean(), nullable=False),
        sa.Column("amendment_notice_on", sa.Date(), nullable=True),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        *(sa.Column(name, sa.Date(), nullable=True) for name in DATE_NAMES),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_record.id"], name=op.f("fk_ehc_step_case_id_case_record"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ehc_step")),
    )
    op.create_index("ix_ehc_step_case_id", "ehc_step", ["case_id"])
    op.create_index("ix_ehc_step_current_case", "ehc_step", ["current", "case_id"])
    op.create_table(
        "ehc_date_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("exception", sa.String(40), nullable=False),
        sa.Column("exception_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["step_id"], ["ehc_step.id"], name=op.f("fk_ehc_date_mark_step_id_ehc_step"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ehc_date_mark")),
        sa.UniqueConstraint("step_id", "name", name=op.f("uq_ehc_date_mark_step_id")),
    )


def downgrade() -> None:
    """Drop the two tables."""
    op.drop_table("ehc_date_mark")
    op.drop_index("ix_ehc_step_current_case", table_name="ehc_step")
    op.drop_index("ix_ehc_step_case_id", table_name="ehc_step")
    op.drop_table("ehc_step")
