"""The cast: alice, bob and mallory; rooms general (public) and secret (private).

Every test that uses `app` runs twice: on SQLite and on PostgreSQL.
"""
import os
import re
import threading
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine
from werkzeug.serving import make_server

import chat.models  # noqa: F401  (fills the metadata)
from chat import create_app
from chat.extensions import db, limiter
from chat.models import AuthToken, Membership, Room, User
from config import TestingConfig
from tests.services import PostgresDatabase, require, scratch_database, unavailable  # noqa: F401  (shared)

PASSWORD = "correct horse battery staple"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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
    """A public room owned by alice, with bob in it from the start: his membership is
    made with the room, as a direct message's two are, so the room's log starts
    empty and its messages number from 1. (Joining through Room.join writes
    "bob joined" into the log: tests/api/test_room_events.py.)"""
    with app.app_context():
        room = Room.create(db.session.get(User, alice.id), "general", "Anything goes")
        db.session.add(Membership(room=room, user=db.session.get(User, bob.id)))
        db.session.commit()
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


def logged_in(app, who):
    """A browser of its own, logged in as `who` through the real form."""
    client = app.test_client()
    Auth(client).login(who.username)
    return client


def main_of(response):
    return re.search(r"<main.*</main>", response.get_data(as_text=True), re.S).group(0)


def field_errors(page, field):
    """The errors shown under one field of a page's form, [] when it has none."""
    found = re.search(rf'<ul class="errors" id="{field}-errors">(.*?)</ul>', page, re.S)
    return re.findall(r"<li>(.*?)</li>", found.group(1)) if found else []


def make_room(app, who, name, private=False):
    """A room `who` makes (through the model); its id."""
    with app.app_context():
        return Room.create(db.session.get(User, who.id), name, private=private).id


def can_see_rooms(client):
    """Whether `client` is logged in: the rooms page answers instead of sending it to log in."""
    return client.get("/rooms").status_code == 200


def post_message(app, room_id, who, body):
    """Post through the model, as a fixture does: no HTTP in the way."""
    with app.app_context():
        db.session.get(Room, room_id).post(db.session.get(User, who.id), body)


def say(api, who, room, body):
    """Post `body` as `who` through the API; returns the message json."""
    response = api.as_(who).post(f"/rooms/{room}/messages", json={"body": body})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def edit(api, who, room, seq, body=None, **kwargs):
    if "json" not in kwargs and "data" not in kwargs:
        kwargs["json"] = {"body": body}
    return api.as_(who).call("PATCH", f"/rooms/{room}/messages/{seq}", **kwargs)


def remove(api, who, room, seq):
    return api.as_(who).delete(f"/rooms/{room}/messages/{seq}")


def history(api, who, room):
    """Every message of the room (up to 200), ascending by seq."""
    return api.as_(who).get(f"/rooms/{room}/messages?limit=200").get_json()["messages"]


def last_seq(api, who, room):
    return api.as_(who).get(f"/rooms/{room}").get_json()["last_seq"]
