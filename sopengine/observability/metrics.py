"""Prometheus metrics, correct across several uvicorn worker processes.

Counters and histograms that processes observe (requests, Word exports, pool use) go
through ``prometheus_client``; with ``PROMETHEUS_MULTIPROC_DIR`` set (``sopengine serve
--workers N`` sets one) every process writes them to files there and ``/metrics`` adds
them up. Figures the database already knows (the outbox, delivery attempts, review
rounds, overdue sign-offs, audit events) are read from it at scrape time, so they are
the same whichever process or host answers.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from sopengine.db.base import utcnow
from sopengine.db.repositories import operations
from sopengine.observability import MULTIPROCESS_DIR_ENV

CONTENT_TYPE = CONTENT_TYPE_LATEST

log = logging.getLogger("sopengine.metrics")

HTTP_REQUESTS = Counter(
    "sopengine_http_requests",
    "HTTP requests answered, by route template and status",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "sopengine_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and status",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
DB_POOL_IN_USE = Gauge(
    "sopengine_db_pool_connections_in_use",
    "Database connections checked out of the pool (all live processes)",
    multiprocess_mode="livesum",
)
WORD_EXPORTS = Histogram(
    "sopengine_word_export_render_seconds",
    "Word files rendered, and how long each took, by language",
    ["lang"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60),
)


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROCESS_DIR_ENV) or None


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    labels = (method, route, str(status))
    HTTP_REQUESTS.labels(*labels).inc()
    HTTP_DURATION.labels(*labels).observe(seconds)


@contextmanager
def word_export(lang: str) -> Iterator[None]:
    """Time one Word rendering (only finished ones count)."""
    started = time.perf_counter()
    yield
    WORD_EXPORTS.labels(lang).observe(time.perf_counter() - started)


def watch_pool(engine: Engine) -> None:
    """Count the engine's connections in use as they are checked out and back in."""

    def checked_out(*_: Any) -> None:
        DB_POOL_IN_USE.inc()

    def checked_in(*_: Any) -> None:
        DB_POOL_IN_USE.dec()

    event.listen(engine, "checkout", checked_out)
    event.listen(engine, "checkin", checked_in)


def process_exited() -> None:
    """Drop this process's live gauges (a worker that is gone holds no connections)."""
    if multiprocess_dir():
        multiprocess.mark_process_dead(os.getpid())


class _ThisProcess(Collector):
    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


class DatabaseFigures(Collector):
    """What the database knows, read once per scrape."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily("sopengine_database_up", "Whether the last scrape read the database")
        try:
            with self.factory() as session:
                figures = list(self._figures(session))
        except Exception:
            log.exception("metrics: reading the database failed")
            up.add_metric([], 0)
            return [up]
        up.add_metric([], 1)
        return [up, *figures]

    @staticmethod
    def _figures(session: Session) -> Iterator[Metric]:
        now = utcnow()
        deliveries = GaugeMetricFamily(
            "sopengine_outbox_deliveries", "Webhook deliveries by state", labels=["state"]
        )
        for state, count in operations.deliveries_by_state(session).items():
            deliveries.add_metric([state], count)
        yield deliveries
        oldest = operations.oldest_due_delivery(session, now)
        yield GaugeMetricFamily(
            "sopengine_outbox_oldest_due_age_seconds",
            "How long the oldest pending delivery has been due (0: none is due)",
            value=(now - oldest).total_seconds() if oldest else 0.0,
        )
        attempts = CounterMetricFamily(
            "sopengine_webhook_delivery_attempts",
            "Webhook delivery attempts by outcome",
            labels=["outcome"],
        )
        for outcome, count in operations.attempts_by_outcome(session).items():
            attempts.add_metric([outcome], count)
        yield attempts
        yield GaugeMetricFamily(
            "sopengine_review_rounds_open",
            "Versions in review (one open round each)",
            value=operations.open_review_rounds(session),
        )
        overdue = GaugeMetricFamily(
            "sopengine_signoffs_overdue",
            "Required sign-offs past their version's respond-by date, by ministry",
            labels=["ministry"],
        )
        for ministry, count in operations.overdue_signoffs(session, now.date()).items():
            overdue.add_metric([ministry], count)
        yield overdue
        yield CounterMetricFamily(
            "sopengine_audit_events",
            "Audit events written (the length of the chain)",
            value=operations.audit_events_written(session),
        )


def render(factory: sessionmaker[Session]) -> bytes:
    registry = CollectorRegistry()
    if multiprocess_dir():
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(DatabaseFigures(factory))
    return generate_latest(registry)
