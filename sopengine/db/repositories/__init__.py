"""Queries, one module per table group; services call them, routes never do."""
