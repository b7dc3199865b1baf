"""Import profiles (a team's column and value choices, keyed by the sheet's headers) and staff aliases.

- staff_alias: another name a tracker gives a member of staff ("JS"), unique across the desk.
- import_profile: a named set of choices, found by a hash of the sheet's folded headers.

Revision ID: 0012
Revises: 0014
Create Date: 2026-12-02 05:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0012"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the two tables."""
    op.create_table(
        "staff_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_staff_alias_staff_id_staff"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_alias")),
        sa.UniqueConstraint("alias", name=op.f("uq_staff_alias_alias")),
    )
    op.create_index(op.f("ix_staff_alias_staff_id"), "staff_alias", ["staff_id"], unique=False)
    op.create_table(
        "import_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("headers_key", sa.String(length=64), nullable=False),
        sa.Column("headers", sa.Text(), nullable=False),
        sa.Column("columns", sa.Text(), nullable=False),
        sa.Column("value_map", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_profile")),
        sa.UniqueConstraint("name", name=op.f("uq_import_profile_name")),
    )
    op.create_index(op.f("ix_import_profile_headers_key"), "import_profile", ["headers_key"], unique=False)


def downgrade() -> None:
    """Drop the two tables."""
    op.drop_index(op.f("ix_import_profile_headers_key"), table_name="import_profile")
    op.drop_table("import_profile")
    op.drop_index(op.f("ix_staff_alias_staff_id"), table_name="staff_alias")
    op.drop_table("staff_alias")
