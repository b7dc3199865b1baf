"""Full-text search index over cases and the append-only guard on the audit table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 15:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE case_fts USING fts5(search_text, content='case_record', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO case_fts(case_fts) VALUES ('rebuild')",
    "CREATE TRIGGER case_fts_ai AFTER INSERT ON case_record BEGIN "
    "INSERT INTO case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER case_fts_ad AFTER DELETE ON case_record BEGIN "
    "INSERT INTO case_fts(case_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER case_fts_au AFTER UPDATE OF search_text ON case_record BEGIN "
    "INSERT INTO case_fts(case_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry BEGIN "
    "SELECT RAISE(ABORT, 'audit entries cannot be changed'); END",
    "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry BEGIN "
    "SELECT RAISE(ABORT, 'audit entries cannot be deleted'); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_entry_no_delete",
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
    "DROP TRIGGER IF EXISTS case_fts_au",
    "DROP TRIGGER IF EXISTS case_fts_ad",
    "DROP TRIGGER IF EXISTS case_fts_ai",
    "DROP TABLE IF EXISTS case_fts",
]
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_case_search_trgm ON case_record USING gin (search_text gin_trgm_ops)",
    "CREATE FUNCTION audit_entry_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'audit entries cannot be changed or deleted'; END $$",
    "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change()",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry",
    "DROP FUNCTION IF EXISTS audit_entry_refuse_change()",
    "DROP INDEX IF EXISTS ix_case_search_trgm",
]


def upgrade() -> None:
    """Create the search index and the audit guard for this database's dialect."""
    statements = SQLITE_UP if op.get_bind().dialect.name == "sqlite" else POSTGRES_UP
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    """Drop the search index and the audit guard."""
    statements = SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRES_DOWN
    for statement in statements:
        op.execute(statement)
