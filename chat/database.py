"""Engine settings: SQLite tuned for concurrent writers, Postgres pooled."""
import os
import sqlite3
import time
import weakref
from contextlib import contextmanager

from sqlalchemy import event, exc
from sqlalchemy.orm import Session

from chat.extensions import db


def configure_database(app):
    """Fill in the default SQLite URL and the engine options for the chosen database."""
    config = app.config
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        path = os.path.join(app.instance_path, "chat.sqlite3")
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    options = config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # The driver's busy timeout makes a writer wait for the lock instead of
        # failing with "database is locked".
        options.setdefault("connect_args", {"timeout": config["SQLITE_BUSY_TIMEOUT"]})
    else:
        options.setdefault("pool_size", config["DB_POOL_SIZE"])
        options.setdefault("max_overflow", config["DB_MAX_OVERFLOW"])


def watch_connections(engine, config):
    """Set SQLite's pragmas on every new connection (WAL lets readers run beside a
    writer); on a server database, ping the connections that sat idle."""
    if engine.dialect.name != "sqlite":
        ping_when_idle(engine, config["DB_PING_AFTER"])
        return
    synchronous = config["SQLITE_SYNCHRONOUS"].upper()
    if synchronous not in ("OFF", "NORMAL", "FULL", "EXTRA"):
        raise RuntimeError(f"SQLITE_SYNCHRONOUS must be OFF, NORMAL, FULL or EXTRA, not {synchronous!r}")

    @event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection, record):
        assert isinstance(dbapi_connection, sqlite3.Connection)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def ping_when_idle(engine, seconds):
    """Ping a pooled connection at checkout only when it sat unused for `seconds`:
    that is when a server restart or an idle timeout may have closed it, and the
    pool then swaps in a fresh one. SQLAlchemy's pool_pre_ping pings at every
    checkout instead, a round trip per request, and a busy pool's connections
    were in use a moment ago."""
    @event.listens_for(engine, "checkin")
    def note_idle(dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection, record, proxy):
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < seconds:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            # The driver began a transaction for it: end it, so the connection is
            # handed out idle (an autocommit checkout, chat.database.standalone,
            # cannot switch a connection inside a transaction).
            dbapi_connection.rollback()
        except Exception as error:  # the driver's own error for a closed connection
            raise exc.DisconnectionError(str(error)) from error  # the pool retries with a new connection


@contextmanager
def standalone():
    """A connection whose every statement is a transaction of its own, for what
    is one statement: a lone read (the login behind a request, a stream's rooms
    and their seqs) or a plain post (chat.models.posting). On PostgreSQL it is in
    autocommit, so the statement is one round trip, not three (psycopg sends a
    BEGIN before it, and a COMMIT or the pool's ROLLBACK follows), and a request
    that does only this never opens the session's transaction at all. On SQLite,
    where those cost no round trip, it is the session's own connection; and so it
    is once the session holds one, so that a request never holds two (a login
    read after the login form's own queries): a pool full of requests each
    waiting for a second connection would wait for ever."""
    engine, session = db.engine, db.session()
    if engine.dialect.name == "sqlite" or holds_connection(session):
        yield session.connection()
        return
    autocommit = AUTOCOMMIT.get(engine)
    if autocommit is None:  # shares the engine's pool; only the checkout's mode differs
        autocommit = AUTOCOMMIT[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    with autocommit.connect() as connection:
        yield connection


AUTOCOMMIT = weakref.WeakKeyDictionary()  # engine -> the same engine, checking out in autocommit


def holds_connection(session):
    """Whether `session`'s transaction has begun in the database, on a connection.
    (Session.in_transaction() is true as soon as anything autobegins it, a merge
    of a remembered login among them, before any connection is used.)"""
    return session.info.get("connected", False)


@event.listens_for(Session, "after_begin")
def note_connected(session, transaction, connection):
    session.info["connected"] = True


@event.listens_for(Session, "after_transaction_end")
def note_released(session, transaction):
    if transaction.parent is None:  # the session's own transaction, not a savepoint's
        session.info.pop("connected", None)
