"""The case lifecycle's columns: clarification requests, stage handlers, "due soon" per kind, Code time limits.

- target_policy: which clarification rule applies and its source, the escalation window (working days).
- case_stage: clarification requested on / for / chase-up date, who recorded the response, everyone who
  held the stage, the reason a late escalation was accepted.
- case_record: `due_soon_from` (the stage policy's "due soon" window, stored so the dashboard counts stay
  one indexed query), the date of the matter and the reason an old matter was accepted, and the review
  date of reasonable adjustments.

Existing rows: SAR policies resume after clarification (Data (Use and Access) Act 2025 s76), FOI/EIR
restart (FOIA s1(3), EIR reg 9(4)); each stage's handlers start as its current handler; open cases get
`due_soon_from` from their next target and their stage's policy.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 02:40:00
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    """Add the columns and fill them for existing rows."""
    with op.batch_alter_table("target_policy") as batch:
        batch.add_column(sa.Column("clarification_rule", sa.String(20), nullable=False, server_default="restart"))
        batch.add_column(sa.Column("clarification_source", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("escalation_days", sa.Integer(), nullable=False, server_default="20"))
    with op.batch_alter_table("case_stage") as batch:
        batch.add_column(sa.Column("clarification_requested_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("clarification_for", sa.String(20), nullable=False, server_default=""))
        batch.add_column(sa.Column("chase_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("month_ends_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("responded_by", sa.String(120), nullable=False, server_default=""))
        batch.add_column(sa.Column("handlers", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("escalation_late_reason", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("case_record") as batch:
        batch.add_column(sa.Column("due_soon_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("adjustments_review_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("matter_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("matter_late_reason", sa.Text(), nullable=False, server_default=""))
        batch.create_index("ix_case_status_next_due_soon", ["status", "next_due", "due_soon_from"], unique=False)
    _fill()


def _fill() -> None:
    bind = op.get_bind()
    policy = sa.table(
        "target_policy",
        sa.column("kind", sa.String),
        sa.column("clarification_restarts", sa.Boolean),
        sa.column("clarification_rule", sa.String),
        sa.column("clarification_source", sa.String),
    )
    for kind, rule, source in (
        ("foi", "restart", "FOIA s1(3)"),
        ("eir", "restart", "EIR reg 9(4)"),
        ("sar", "resume", "Data (Use and Access) Act 2025 s76"),
    ):
        bind.execute(
            policy.update()
            .where(policy.c.kind == kind)
            .values(clarification_rule=rule, clarification_source=source, clarification_restarts=True)
        )
    bind.execute(
        sa.text(
            "UPDATE case_stage SET handlers = (SELECT login FROM staff WHERE staff.id = case_stage.handler_id) "
            "WHERE handler_id IS NOT NULL"
        )
    )
    _fill_due_soon(bind)


def _fill_due_soon(bind: sa.engine.Connection) -> None:
    """Store each open case's "due soon" day: its policy's window of weekdays before the next target.

    Bank holidays are left out of this one-off count (a frozen migration does not load the calendar), so
    a window spanning one starts a day later than the desk will compute from then on; closed cases and
    cases with no target need none.
    """
    rows = bind.execute(
        sa.text(
            "SELECT c.id, c.next_due, p.due_soon_days FROM case_record c "
            "JOIN case_stage s ON s.case_id = c.id AND s.stage = c.stage "
            "JOIN target_policy p ON p.id = s.policy_id "
            "WHERE c.status = 'open' AND c.next_due IS NOT NULL"
        )
    ).all()
    updates = [{"i": case_id, "d": _weekdays_before(due, days)} for case_id, due, days in rows]
    for start in range(0, len(updates), BATCH):
        bind.execute(
            sa.text("UPDATE case_record SET due_soon_from = :d WHERE id = :i"), updates[start : start + BATCH]
        )


def _weekdays_before(due: date | str, days: int) -> date:
    day = due if isinstance(due, date) else date.fromisoformat(str(due))
    for _ in range(days):
        day -= timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
    return day


def downgrade() -> None:
    """Drop the columns (plain ALTER TABLE ... DROP COLUMN: SQLite 3.35+ keeps the search triggers)."""
    op.drop_index("ix_case_status_next_due_soon", table_name="case_record")
    for table, names in (
        ("case_record", ("matter_late_reason", "matter_on", "adjustments_review_on", "due_soon_from")),
        (
            "case_stage",
            (
                "escalation_late_reason",
                "handlers",
                "responded_by",
                "month_ends_on",
                "chase_on",
                "clarification_for",
                "clarification_requested_on",
            ),
        ),
        ("target_policy", ("escalation_days", "clarification_source", "clarification_rule")),
    ):
        for name in names:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {name}")
