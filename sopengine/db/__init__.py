"""Persistence: SQLAlchemy models, engine and session, repositories."""
