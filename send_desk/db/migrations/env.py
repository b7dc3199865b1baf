"""Alembic environment: runs against the connection handed over by send_desk.db.migrate."""

from __future__ import annotations

from alembic import context

from send_desk.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run migrations on the connection given in the config attributes."""
    connection = config.attributes.get("connection")
    if connection is None:
        from send_desk.db.engine import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as conn:
            _run(conn)
        return
    _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if getattr(connection, "dialect", None) is not None and connection.dialect.name == "postgresql":  # type: ignore[attr-defined]
            # every table, also one a later migration adds, gets the audit check (and a team's grants)
            from send_desk.db.team import after_migrations

            after_migrations(connection)  # type: ignore[arg-type]


run_migrations_online()
