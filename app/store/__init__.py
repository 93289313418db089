"""Persistence: one interface (``base.Store``), an SQLite and a PostgreSQL backend."""
