"""Database: SQLAlchemy models, engine set-up, unit of work and migrations."""
