"""The search index: the full-text index answers, and the migrations build the same one as the models."""
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import column, event, insert, table, text

from chat import create_app
from chat.extensions import db
from chat.models import Membership, Message, Room, User
from chat.models.types import utcnow
from chat.models.search import FTS, GIN, search
from config import TestingConfig
from tests.conftest import PASSWORD, post_message


def test_the_search_is_answered_from_the_full_text_index(app, alice, general):
    post_message(app, general, alice, "deploy")
    with app.app_context():
        sent = []

        def record(connection, cursor, statement, parameters, context, executemany):
            sent.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert len(search(db.session.get(User, alice.id), "deploy").hits) == 1
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        statement, parameters = next((s, p) for s, p in sent if f"{FTS} MATCH" in s or "@@" in s)
        connection = db.session.connection()
        if db.engine.dialect.name == "sqlite":
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            assert f"SCAN {FTS} VIRTUAL TABLE INDEX 0:M" in plan[0][3]
        else:
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a tiny table would not need the index
            plan = "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters))
            assert f"Bitmap Index Scan on {GIN}" in plan


@pytest.fixture
def migrated(empty_database):
    """An app on a database built by the migrations, not create_all."""
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=empty_database)
    with app.app_context():
        yield app
        app.extensions["realtime"].stop()
        db.session.remove()
        db.engine.dispose()


def index_ddl():
    """The search index's DDL as the database itself records it."""
    if db.engine.dialect.name == "sqlite":
        query = f"SELECT name, sql FROM sqlite_master WHERE name LIKE '{FTS}%' AND sql IS NOT NULL ORDER BY name"
    else:
        query = f"SELECT indexname, indexdef FROM pg_indexes WHERE indexname = '{GIN}'"
    return db.session.execute(text(query)).all()


def test_upgrading_indexes_the_messages_already_there_and_keeps_the_index_in_step(migrated):
    upgrade(revision="d87fb9c702c4")
    # Written as that revision's tables stand: today's models have columns it lacks.
    now = utcnow()
    user_id = db.session.execute(insert(User.__table__).values(
        username="alice", username_key="alice", password_hash="x", created_at=now).returning(User.id)).scalar_one()
    room_id = db.session.execute(insert(Room.__table__).values(
        name="general", created_by_id=user_id, last_seq=1, created_at=now).returning(Room.id)).scalar_one()
    db.session.execute(insert(Membership.__table__).values(user_id=user_id, room_id=room_id, role="owner", created_at=now))
    messages = table("messages", *(column(name) for name in ("room_id", "seq", "author_id", "body", "created_at")))
    db.session.execute(insert(messages).values(
        room_id=room_id, seq=1, author_id=user_id, body="deploying before the index", created_at=now))
    db.session.commit()
    upgrade()
    alice, room = db.session.get(User, user_id), db.session.get(Room, room_id)
    assert [hit.message.body for hit in search(alice, "deploy").hits] == ["deploying before the index"]
    room.post(alice, "deploy after it")
    Message.at(room.id, 1).edit(alice, "launching before the index")
    assert [hit.message.body for hit in search(alice, "deploy").hits] == ["deploy after it"]
    assert [hit.message.body for hit in search(alice, "launch").hits] == ["launching before the index"]
    Message.at(room.id, 2).delete(alice)
    assert search(alice, "deploy").hits == []
    db.session.rollback()  # the migration's DROP would wait for this session's read lock
    downgrade(revision="d87fb9c702c4")
    assert index_ddl() == []


def test_a_migrated_database_has_the_same_search_index_as_one_built_from_the_models(migrated):
    upgrade()
    from_migrations = index_ddl()
    db.session.rollback()
    downgrade(revision="base")
    db.session.execute(text("DROP TABLE alembic_version"))
    db.session.commit()
    db.create_all()
    assert from_migrations == index_ddl() != []


def test_a_word_ending_in_a_star_is_a_prefix_and_finds_the_words_that_start_with_it(app, alice, general):
    for body in ("we deploy on friday", "deployment notes", "a new deputy"):
        post_message(app, general, alice, body)
    with app.app_context():
        user = db.session.get(User, alice.id)
        found = {q: sorted(hit.message.body for hit in search(user, q).hits)
                 for q in ("deplo", "deplo*", "dep*", "deplo* friday")}
        marked = [part["text"] for part in search(user, "deplo* friday").hits[0].snippet if part["match"]]
    assert found == {"deplo": [], "deplo*": ["deployment notes", "we deploy on friday"],
                     "dep*": ["a new deputy", "deployment notes", "we deploy on friday"],
                     "deplo* friday": ["we deploy on friday"]}
    assert marked == ["deploy", "friday"]


@pytest.mark.parametrize("q, offset, suggestion", [
    ("deplo", 0, "deplo*"),
    ("deplo lander!", 0, "deplo* lander*!"),
    ("deplo* landr", 0, "deplo* landr*"),
    ("deplo*", 0, None),  # nothing left to widen
    ("deplo", 20, None),  # only a first page suggests
    ("deploy", 0, None),  # it found something
])
def test_a_first_page_that_finds_nothing_suggests_its_words_as_prefixes(app, alice, general, q, offset, suggestion):
    post_message(app, general, alice, "deploy the lander")
    with app.app_context():
        assert search(db.session.get(User, alice.id), q, offset=offset).suggestion == suggestion
