"""Many people posting into one room at once: every message gets the next seq."""
import threading

from sqlalchemy import select

from chat.extensions import db
from chat.models import Message
from tests.conftest import PASSWORD

POSTERS, EACH = 50, 6


def test_fifty_concurrent_posters_get_seqs_one_to_n_with_no_gap_or_duplicate(app, api, alice, general):
    tokens = []
    for i in range(POSTERS):
        body = api.post("/users", json={"username": f"poster{i}", "password": PASSWORD}).get_json()
        api.as_(alice).post(f"/rooms/{general}/members", json={"username": f"poster{i}"})
        tokens.append(body["token"])
    start = api.as_(alice).get(f"/rooms/{general}").get_json()["last_seq"]  # "alice added poster0"...
    assert start == POSTERS
    statuses, barrier = [], threading.Barrier(POSTERS)

    def poster(token):
        client = app.test_client()
        barrier.wait()
        for n in range(EACH):
            response = client.post(f"/api/v1/rooms/{general}/messages", json={"body": f"hi {n}"},
                                   headers={"Authorization": f"Bearer {token}"})
            statuses.append(response.status_code)

    threads = [threading.Thread(target=poster, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = POSTERS * EACH
    assert statuses == [201] * total
    with app.app_context():
        seqs = db.session.scalars(select(Message.seq).where(Message.room_id == general).order_by(Message.seq)).all()
        assert seqs == list(range(1, start + total + 1))
    assert api.as_(alice).get(f"/rooms/{general}").get_json()["last_seq"] == start + total


def test_concurrent_plain_posts_each_committed_by_its_own_statement_get_seqs_with_no_gap(app, alice, bob, general):
    """The path of a post with a remembered login and membership, no session
    transaction open (chat.models.posting: in autocommit on PostgreSQL)."""
    from sqlalchemy import event

    from chat.models import Room, User
    threads_n, each, barrier = 8, 20, threading.Barrier(8)
    autocommit = []
    with app.app_context():
        engine = db.engine

    def note(conn, cursor, statement, parameters, context, executemany):
        autocommit.append(getattr(conn.connection.dbapi_connection, "autocommit", None))

    def poster(user_id):
        with app.app_context():
            room, author = db.session.get(Room, general), db.session.get(User, user_id)
            barrier.wait()
            for n in range(each):
                db.session.commit()  # each post starts with no transaction open, as in a request
                room.post(author, f"hi {n}")
    event.listen(engine, "before_cursor_execute", note)
    try:
        threads = [threading.Thread(target=poster, args=((alice.id, bob.id)[i % 2],)) for i in range(threads_n)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    with app.app_context():
        seqs = db.session.scalars(select(Message.seq).where(Message.room_id == general).order_by(Message.seq)).all()
        assert seqs == list(range(1, threads_n * each + 1))
        if engine.dialect.name == "postgresql":
            assert autocommit.count(True) == threads_n * each  # every post was its one statement
