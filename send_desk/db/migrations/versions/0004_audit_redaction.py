"""Governed redaction of audit entries: the only change the audit table accepts.

An audit entry stays append-only with one exception needed for data protection: when a case has been
anonymised (retention), the body of its audit entries may be replaced by the exact marker
'{"redacted": true}'. Who did what and when (login, name, time, case reference, action) can never change,
entries can never be deleted, and entries of cases that are not anonymised can never be changed at all.

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-28 16:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None

MARKER = '{"redacted": true}'

SQLITE_UP = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
    "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
    "WHEN NOT ("
    f"new.changes = '{MARKER}' "
    "AND new.id = old.id AND new.at IS old.at AND new.login IS old.login "
    "AND new.actor_name IS old.actor_name AND new.case_id IS old.case_id "
    "AND new.case_reference IS old.case_reference AND new.action IS old.action "
    "AND old.case_id IS NOT NULL "
    "AND EXISTS (SELECT 1 FROM case_record WHERE case_record.id = old.case_id AND case_record.anonymised = 1)"
    ") BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
    "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry BEGIN "
    "SELECT RAISE(ABORT, 'audit entries cannot be changed'); END",
]
POSTGRES_UP = [
    "CREATE OR REPLACE FUNCTION audit_entry_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN "
    "IF TG_OP = 'UPDATE' "
    f"AND NEW.changes = '{MARKER}' "
    "AND NEW.id = OLD.id AND NEW.at IS NOT DISTINCT FROM OLD.at "
    "AND NEW.login IS NOT DISTINCT FROM OLD.login "
    "AND NEW.actor_name IS NOT DISTINCT FROM OLD.actor_name "
    "AND NEW.case_id IS NOT DISTINCT FROM OLD.case_id "
    "AND NEW.case_reference IS NOT DISTINCT FROM OLD.case_reference "
    "AND NEW.action IS NOT DISTINCT FROM OLD.action "
    "AND OLD.case_id IS NOT NULL "
    "AND EXISTS (SELECT 1 FROM case_record WHERE case_record.id = OLD.case_id AND case_record.anonymised) "
    "THEN RETURN NEW; END IF; "
    "RAISE EXCEPTION 'audit entries cannot be changed or deleted'; "
    "END $$",
]
POSTGRES_DOWN = [
    "CREATE OR REPLACE FUNCTION audit_entry_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'audit entries cannot be changed or deleted'; END $$",
]


def upgrade() -> None:
    """Let an anonymised case's audit entries be redacted, and nothing else change."""
    statements = SQLITE_UP if op.get_bind().dialect.name == "sqlite" else POSTGRES_UP
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    """Make the audit table strictly append-only again."""
    statements = SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRES_DOWN
    for statement in statements:
        op.execute(statement)
