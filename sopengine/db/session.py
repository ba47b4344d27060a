"""Engine and session factories.

SQLite allows one writer at a time. A transaction that will write begins ``IMMEDIATE``, so
writers queue on the database's write lock (``busy_timeout``) instead of failing halfway; a
reading transaction (a GET) begins ``DEFERRED`` and, with WAL, never waits for a writer.
When a reading transaction must write after all (a token's last-used time, an export's
register entry, an audit event), it is *promoted* just before its first write: its read
snapshot ends and a write transaction begins ``IMMEDIATE`` on the same connection. Upgrading
the deferred transaction in place would fail at once (``SQLITE_BUSY_SNAPSHOT``) whenever
another writer committed since it began reading; a fresh ``BEGIN IMMEDIATE`` waits its turn.

PostgreSQL: ordinary pooled connections; coordination uses row and advisory locks.
"""

from __future__ import annotations

import select
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from sopengine.config import Settings

READING = "sopengine_reading"
"""Execution option of a reading engine: its transactions begin DEFERRED on SQLite."""
_WRITING = "sopengine_writing"
"""Per connection, per transaction: whether it holds (or will take) SQLite's write lock."""
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER"})


def make_engine(settings: Settings, **kwargs: Any) -> Engine:
    url = settings.database_url
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        _serialize_sqlite_writers(engine, settings.sqlite_busy_timeout_ms)
        return engine
    kwargs.setdefault("pool_size", settings.db_pool_size)
    kwargs.setdefault("max_overflow", settings.db_max_overflow)
    engine = create_engine(url, **kwargs)
    if engine.dialect.driver == "psycopg" and not kwargs.get("pool_pre_ping"):
        event.listen(engine, "checkout", _refuse_closed_connection)
    return engine


def _refuse_closed_connection(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """A pooled PostgreSQL connection the server has closed (a restart, an administrator's
    ``pg_terminate_backend``, an idle timeout) is discarded at checkout and the pool hands
    out another: what ``pool_pre_ping`` does, without its round trip on every request.

    An idle connection has nothing to read; a closed one has the server's farewell and the
    end of the stream. Reading them (``consume_input``) fails or leaves the connection bad.
    """
    if dbapi_connection.closed or dbapi_connection.broken:
        raise DisconnectionError("the connection is closed")
    pgconn = dbapi_connection.pgconn
    poll = select.poll()
    poll.register(pgconn.socket, select.POLLIN)
    for _ in range(3):
        if not poll.poll(0):
            return
        try:
            pgconn.consume_input()
        except psycopg.OperationalError as exc:
            raise DisconnectionError("the server closed the connection") from exc
        if pgconn.status != psycopg.pq.ConnStatus.OK:
            raise DisconnectionError("the server closed the connection")
    raise DisconnectionError("the connection keeps receiving unasked-for data")


def limit_statements(engine: Engine, seconds: float) -> None:
    """PostgreSQL cancels any statement of this engine's connections that runs longer.

    Set once per new connection (no round trip per request). SQLite has no such limit.
    """
    if engine.dialect.name != "postgresql" or seconds <= 0:
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")
        dbapi_connection.commit()


def _serialize_sqlite_writers(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        writing = not conn.get_execution_options().get(READING, False)
        conn.info[_WRITING] = writing
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN DEFERRED")

    @event.listens_for(engine, "before_cursor_execute")
    def _before_write(conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        words = statement.lstrip().split(None, 1)
        if words and words[0].upper() in _WRITES:
            take_write_lock(conn)


def take_write_lock(conn: Connection) -> None:
    """Make this SQLite transaction the writer (promote a reading one); once per transaction.

    Anything the transaction read before is from the snapshot that ends here, so a caller
    that decides a write from what it reads (the audit chain's head) calls this first."""
    if conn.dialect.name != "sqlite" or conn.info.get(_WRITING, True):
        return
    conn.info[_WRITING] = True
    dbapi_connection = conn.connection.dbapi_connection
    assert dbapi_connection is not None
    dbapi_connection.execute("COMMIT")
    dbapi_connection.execute("BEGIN IMMEDIATE")


def statements_without_transaction(session: Session) -> Connection:
    """The session's connection for a read that writes nothing: on PostgreSQL, without
    ``BEGIN`` and ``COMMIT``, two round trips fewer on the most frequent request.

    PostgreSQL reads at READ COMMITTED, where every statement sees its own snapshot inside a
    transaction as well, so such a read sees exactly what it would in one. A write this
    read turns out to need goes elsewhere: a token's use is recorded in a transaction of its
    own, and a refusal's record after the session's rollback, which gives this connection
    back (its autocommit is reset at return) and begins a transaction on another.

    Only for a session of its own on an engine, first thing in it; a session joined to a
    caller's connection (the tests' savepoints) or on SQLite keeps its transaction.
    """
    bind = session.get_bind()
    if (
        isinstance(bind, Engine)
        and bind.dialect.name == "postgresql"
        and not session.in_transaction()
    ):
        return session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return session.connection()


def make_sessionmaker(engine: Engine, *, reading: bool = False) -> sessionmaker[Session]:
    """Sessions of one transaction each; ``reading`` ones begin without SQLite's write lock."""
    bind = engine.execution_options(**{READING: True}) if reading else engine
    return sessionmaker(bind=bind, expire_on_commit=False, autoflush=False)
