"""The cast: alice, bob and mallory; rooms general (public) and secret (private).

Every test that uses `app` runs twice: on SQLite and on PostgreSQL.
"""
import os
import re
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from werkzeug.serving import make_server

import chat.models  # noqa: F401  (fills the metadata)
from chat import create_app
from chat.extensions import db, limiter
from chat.models import AuthToken, Room, User
from config import TestingConfig, database_url

PASSWORD = "correct horse battery staple"


def require(variable, what):
    """The service URL in `variable`; a visible skip without it (a failure under REQUIRE_SERVICES=1)."""
    value = os.environ.get(variable)
    if not value:
        unavailable(f"{what}: set {variable} to run this test")
    return value


def unavailable(reason):
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1 turns this skip into a failure)")
    pytest.skip(reason)


@dataclass
class PostgresDatabase:
    url: str
    engine: object

    def empty(self):
        tables = ", ".join(table.name for table in db.metadata.sorted_tables)
        with self.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@contextmanager
def scratch_database(prefix):
    """A new, empty database on TEST_DATABASE_URL's server, dropped afterwards."""
    server = make_url(database_url(require("TEST_DATABASE_URL", "needs PostgreSQL")))
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        unavailable(f"needs PostgreSQL, which did not answer at {server.host}:{server.port}: {error.orig}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres():
    """This run's own database, with the schema; each test empties it first."""
    with scratch_database("chat_test") as url:
        engine = create_engine(url)
        db.metadata.create_all(engine)
        yield PostgresDatabase(url, engine)
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request, tmp_path):
    """A database with no tables at all (for migrations and live servers)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    with scratch_database("chat_empty") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def database_uri(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'chat.sqlite3'}"
    database = request.getfixturevalue("postgres")
    database.empty()
    return database.url


@pytest.fixture
def make_app(database_uri):
    """Build an app on this test's database; extra settings as keyword arguments."""
    apps = []

    def build(**settings):
        app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_uri, **settings)
        with app.app_context():
            db.create_all()
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["realtime"].stop()
        with app.app_context():
            db.engine.dispose()
    redis_client = getattr(limiter.storage, "storage", None)  # the limiter's, when it used Redis
    if hasattr(redis_client, "close"):
        redis_client.close()


@pytest.fixture
def app_settings():
    """Extra settings for `app`; a test module may override this fixture."""
    return {}


@pytest.fixture
def app(make_app, app_settings):
    return make_app(**app_settings)


@pytest.fixture(params=["local", "redis"])
def broker_settings(request):
    """Live delivery through the in-process broker, then through Redis."""
    if request.param == "local":
        return {}
    return {"REDIS_URL": require("TEST_REDIS_URL", "needs Redis"), "REALTIME_PREFIX": f"test-{uuid.uuid4().hex}:"}


@pytest.fixture
def serve(make_app):
    """Serve an app over real HTTP from a thread; returns (app, base URL)."""
    running = []

    def start(app=None, **settings):
        app = app or make_app(**settings)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        running.append((app, server))
        return app, f"http://127.0.0.1:{server.server_port}"

    yield start
    for app, server in running:
        server.shutdown()
        server.server_close()
        app.extensions["realtime"].stop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@dataclass
class Person:
    id: int
    username: str
    token: str


def person(app, username):
    with app.app_context():
        user = User.register(username, PASSWORD)
        _, token = AuthToken.issue(user, "api")
        return Person(user.id, user.username, token)


@pytest.fixture
def alice(app):
    return person(app, "alice")


@pytest.fixture
def bob(app):
    return person(app, "bob")


@pytest.fixture
def mallory(app):
    return person(app, "mallory")


@pytest.fixture
def general(app, alice, bob):
    """A public room owned by alice, which bob has joined."""
    with app.app_context():
        room = Room.create(db.session.get(User, alice.id), "general", "Anything goes")
        room.join(db.session.get(User, bob.id))
        return room.id


@pytest.fixture
def secret(app, alice):
    """A private room whose only member is alice."""
    with app.app_context():
        return Room.create(db.session.get(User, alice.id), "secret", "Invite only", private=True).id


class Api:
    """JSON calls to /api/v1, as a person (bearer token) or anonymously."""

    def __init__(self, client, who=None):
        self.client, self.who = client, who

    def as_(self, who):
        return Api(self.client, who)

    def call(self, method, path, json=None, **kwargs):
        headers = kwargs.pop("headers", {})
        if self.who is not None:
            headers.setdefault("Authorization", f"Bearer {self.who.token}")
        return self.client.open("/api/v1" + path, method=method, json=json, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.call("POST", path, json=json, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("DELETE", path, **kwargs)


@pytest.fixture
def api(client):
    return Api(client)


def csrf_token(client, path="/login"):
    """The CSRF token a page hands the browser (in its <meta name="csrf-token">)."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


class Auth:
    """Log in and out through the real forms, CSRF and all."""

    def __init__(self, client):
        self.client = client

    def login(self, username, password=PASSWORD, remember=False, next=None):
        data = {"username": username, "password": password, "csrf_token": csrf_token(self.client)}
        if remember:
            data["remember"] = "y"
        url = "/login" + (f"?next={next}" if next else "")
        return self.client.post(url, data=data)

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": csrf_token(self.client, "/rooms")})


@pytest.fixture
def auth(client):
    return Auth(client)
