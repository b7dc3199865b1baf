"""Letters from templates: template versions, the letters made from them, the team's SMTP relay.

- letter_template: each version of a .docx template (its bytes, name, title, what it is for, the kinds and
  stages it fits, the fields it uses, whether it is switched on, who added it and when).
- letter: each letter or email made for a case and the template version that made it.
- smtp_settings: the relay's host, port, STARTTLS, from-address and user; never a password (that lives in
  each PC's credential store, or SEND_DESK_SMTP_PASSWORD for scheduled tasks).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the three tables."""
    op.create_table(
        "letter_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("kinds", sa.String(300), nullable=False),
        sa.Column("stages", sa.String(20), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("added_by", sa.String(120), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_template")),
        sa.UniqueConstraint("name", "version", name=op.f("uq_letter_template_name")),
    )
    op.create_table(
        "letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("made_by", sa.String(120), nullable=False),
        sa.Column("how", sa.String(20), nullable=False),
        sa.Column("document_name", sa.String(255), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_record.id"], name=op.f("fk_letter_case_id_case_record"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["template_id"], ["letter_template.id"], name=op.f("fk_letter_template_id_letter_template")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter")),
    )
    op.create_index(op.f("ix_letter_case_id"), "letter", ["case_id"], unique=False)
    op.create_index(op.f("ix_letter_template_id"), "letter", ["template_id"], unique=False)
    op.create_table(
        "smtp_settings",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("starttls", sa.Boolean(), nullable=False),
        sa.Column("from_address", sa.String(254), nullable=False),
        sa.Column("username", sa.String(254), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_smtp_settings")),
    )


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_table("smtp_settings")
    op.drop_index(op.f("ix_letter_template_id"), table_name="letter")
    op.drop_index(op.f("ix_letter_case_id"), table_name="letter")
    op.drop_table("letter")
    op.drop_table("letter_template")
