"""Database schema management: Alembic lineages for the core and for each plugin."""
