"""PostgreSQL's pool pings a connection only when it sat idle: a connection the
server closed meanwhile is replaced before use, and a busy one costs no ping."""
import time

import pytest
from sqlalchemy import create_engine, text

from chat import create_app
from chat.extensions import db
from config import TestingConfig
from tests.services import scratch_database


@pytest.fixture
def served_database():
    with scratch_database("chat_pool") as url:
        yield url


def app_on(url, ping_after):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, DB_PING_AFTER=ping_after, DB_POOL_SIZE=1)
    with app.app_context():
        db.create_all()
    return app


def close_its_connections(url):
    """What a server restart or an idle timeout does to the pool's connection."""
    admin = create_engine(url)
    with admin.connect() as connection:
        closed = connection.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                         "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    admin.dispose()
    return closed


def test_a_connection_closed_while_it_sat_idle_is_replaced_before_the_request_uses_it(served_database):
    app = app_on(served_database, ping_after=0.05)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert close_its_connections(served_database) == 1
    time.sleep(0.1)
    assert client.get("/healthz").status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_a_connection_pinged_after_sitting_idle_is_handed_out_idle_even_for_an_autocommit_read(served_database):
    """The ping's SELECT begins a transaction in the driver; a standalone read
    (autocommit) of that connection must still work: the ping ends it."""
    from chat.database import standalone
    app = app_on(served_database, ping_after=0.05)
    with app.app_context():
        with standalone() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
        time.sleep(0.1)  # idle past DB_PING_AFTER: the next checkout pings it
        with standalone() as connection:
            assert connection.execute(text("SELECT 2")).scalar() == 2
        db.engine.dispose()


def test_a_connection_used_a_moment_ago_is_not_pinged_again(served_database):
    app = app_on(served_database, ping_after=60)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert close_its_connections(served_database) == 1
    assert client.get("/healthz").status_code == 503  # no ping: the query itself found it closed
    assert client.get("/healthz").status_code == 200  # and the pool connected anew
    with app.app_context():
        db.engine.dispose()


def test_a_login_read_after_the_request_used_the_database_shares_its_connection(app, alice):
    """chat.database.standalone: a request never holds two pooled connections, or a
    pool full of requests each waiting for a second one would never move."""
    from chat.database import holds_connection, standalone
    from chat.models import AuthToken
    with app.test_request_context():
        with standalone() as first:
            assert AuthToken.read(alice.token, first)[1][1]["user_id"] == alice.id
        session = db.session()
        db.session.execute(text("SELECT 1"))  # the request's own query: the session now holds a connection
        assert holds_connection(session)
        with standalone() as second:
            assert second is session.connection()
            assert AuthToken.read(alice.token, second)[0][1]["username"] == "alice"
        db.session.rollback()
        assert not holds_connection(session)
