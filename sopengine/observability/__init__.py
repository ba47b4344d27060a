"""Watching the service run: request ids, structured logs, Prometheus metrics."""

MULTIPROCESS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"
"""Where worker processes share their metrics. Here, not in ``metrics``: it must be set
before ``prometheus_client`` is imported, which reads it once."""
