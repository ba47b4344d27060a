"""Orchestration: the only layer that changes data. Services flush, never commit."""
