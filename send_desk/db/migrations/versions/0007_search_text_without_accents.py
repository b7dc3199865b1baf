"""Keep the search text without accents, so PostgreSQL finds "Siân" by "sian" as SQLite's index does.

Only rows whose search text has a non-ASCII character can change; they are read in batches and
rewritten with the accents folded away (on SQLite the full-text index follows through its trigger).
Nothing is lost: the names and summaries themselves keep their accents.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 10:50:00
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 2000


def _fold(text: str) -> str:
    """Return text without accents (a frozen copy of send_desk.domain.text.fold_accents)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def upgrade() -> None:
    """Fold the accents out of every search text that has them."""
    bind = op.get_bind()
    cases = sa.table("case_record", sa.column("id", sa.Integer), sa.column("search_text", sa.Text))
    last = 0
    while True:
        page = sa.select(cases.c.id, cases.c.search_text).where(cases.c.id > last)
        rows = bind.execute(page.order_by(cases.c.id).limit(BATCH)).all()
        if not rows:
            return
        last = rows[-1][0]
        changed = [
            {"row_id": row_id, "folded": _fold(text)}
            for row_id, text in rows
            if text and not text.isascii() and _fold(text) != text
        ]
        if changed:
            update = cases.update().where(cases.c.id == sa.bindparam("row_id"))
            bind.execute(update.values(search_text=sa.bindparam("folded")), changed)


def downgrade() -> None:
    """Nothing to undo: folded search text works with the older version too."""
