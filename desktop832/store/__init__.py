"""Persistence: one SQLite data file through SQLAlchemy, migrated with Alembic.

Import :mod:`desktop832.store.database` lazily: SQLAlchemy is heavy and the window paints first.
"""
