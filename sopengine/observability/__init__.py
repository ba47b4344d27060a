"""Watching the service run: request ids, structured logs, Prometheus metrics."""
