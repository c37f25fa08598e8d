import threading

import pytest
from sqlalchemy import event, func, select

from chat.errors import Problem
from chat.extensions import db
from chat.models import Membership, Message, Room, User


def test_creating_a_room_makes_the_creator_its_owner(app, alice):
    with app.app_context():
        room = Room.create(db.session.get(User, alice.id), "  design  ", "Pixels")
        assert (room.name, room.topic, room.private, room.last_seq) == ("design", "Pixels", False, 0)
        assert [(m.user.username, m.role) for m in room.members()] == [("alice", "owner")]


@pytest.mark.parametrize("name, topic, code", [
    ("", "", "too_short"),
    ("   ", "", "too_short"),
    ("x" * 81, "", "too_long"),
    ("ok", "t" * 251, "too_long"),
    ("new\nline", "", "invalid_characters"),
    ("ok", "tab\x07bell", "invalid_characters"),
    (None, "", "invalid_field"),
])
def test_a_room_name_or_topic_outside_the_rules_is_refused(app, alice, name, topic, code):
    with app.app_context():
        with pytest.raises(Problem) as refused:
            Room.create(db.session.get(User, alice.id), name, topic)
        assert (refused.value.status, refused.value.code) == (400, code)
        assert db.session.scalar(select(func.count()).select_from(Room)) == 0


def test_posting_numbers_messages_one_two_three_within_each_room(app, alice):
    with app.app_context():
        author = db.session.get(User, alice.id)
        first, second = Room.create(author, "one"), Room.create(author, "two")
        seqs = [room.post(author, f"hi {i}")[0].seq for i, room in enumerate([first, first, second, first])]
        assert seqs == [1, 2, 1, 3]
        assert (db.session.get(Room, first.id).last_seq, db.session.get(Room, second.id).last_seq) == (3, 1)


def test_a_refused_post_takes_no_sequence_number(app, alice, general):
    with app.app_context():
        room, author = db.session.get(Room, general), db.session.get(User, alice.id)
        room.post(author, "first")
        with pytest.raises(Problem):
            room.post(author, "x" * 4001)
        assert room.post(author, "second")[0].seq == 2


def test_a_retried_client_id_returns_the_first_message(app, alice, general):
    with app.app_context():
        room, author = db.session.get(Room, general), db.session.get(User, alice.id)
        first, created = room.post(author, "hello", client_id="c-1")
        again, created_again = room.post(author, "hello (retry)", client_id="c-1")
        assert (created, created_again) == (True, False)
        assert (again.id, again.seq, again.body) == (first.id, 1, "hello")
        assert db.session.get(Room, general).last_seq == 1


def test_the_same_client_id_from_another_author_is_another_message(app, alice, bob, general):
    with app.app_context():
        room = db.session.get(Room, general)
        a, _ = room.post(db.session.get(User, alice.id), "hi", client_id="same")
        b, _ = room.post(db.session.get(User, bob.id), "hi", client_id="same")
        assert (a.seq, b.seq) == (1, 2)


def statements_of(app, act):
    """[(autocommit, statement)] of what `act()` runs; autocommit is None on SQLite."""
    seen = []

    def note(conn, cursor, statement, parameters, context, executemany):
        seen.append((getattr(conn.connection.dbapi_connection, "autocommit", None), statement.split()[0]))
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        act()
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return seen


def test_a_plain_post_on_postgresql_is_committed_by_its_one_statement(app, alice, bob, general):
    """No mention, attachment or reply: the CTE runs in autocommit, no BEGIN or COMMIT
    round trip around it. With a mention it shares one transaction with the mention."""
    with app.app_context():
        room, author = db.session.get(Room, general), db.session.get(User, alice.id)
        db.session.commit()  # as a post with a remembered login and membership starts: no transaction
        plain = statements_of(app, lambda: room.post(author, "hello"))
        db.session.commit()
        mention = statements_of(app, lambda: room.post(author, "hello @bob"))
        postgres = db.engine.dialect.name == "postgresql"
        assert plain == ([(True, "WITH")] if postgres else [(None, "UPDATE"), (None, "UPDATE"), (None, "INSERT")])
        assert (True, "WITH") not in mention and ("INSERT" in {kind for _, kind in mention})
        # Both are stored, in order, and the mention with its message.
        assert [m.seq for m in Message.page(general, after=0, limit=10)[0]] == [1, 2]
        assert db.session.get(Room, general).last_seq == 2


def test_a_retried_client_id_in_autocommit_still_returns_the_first_message(app, alice, general):
    with app.app_context():
        room, author = db.session.get(Room, general), db.session.get(User, alice.id)
        db.session.commit()
        first, _ = room.post(author, "hello", client_id="c-1")
        db.session.commit()
        again, created = room.post(author, "hello (retry)", client_id="c-1")
        assert (created, again.id, again.seq) == (False, first.id, 1)
        db.session.commit()
        assert (room.post(author, "next")[0].seq, db.session.get(Room, general).last_seq) == (2, 2)


def test_concurrent_retries_of_one_client_id_store_one_message(app, alice, general):
    """Two racing requests with one client_id: one row, and no seq is burnt."""
    results, barrier = [], threading.Barrier(8)

    def post():
        with app.app_context():
            barrier.wait()
            message, _ = db.session.get(Room, general).post(db.session.get(User, alice.id), "hi", "race")
            results.append(message.seq)

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        assert results == [1] * 8
        assert db.session.scalar(select(func.count()).select_from(Message)) == 1
        assert db.session.get(Room, general).post(db.session.get(User, alice.id), "next")[0].seq == 2


def test_anyone_can_join_a_public_room_but_not_a_private_one(app, mallory, general, secret):
    with app.app_context():
        user = db.session.get(User, mallory.id)
        membership, created = db.session.get(Room, general).join(user)
        assert (membership.role, created) == ("member", True)
        assert db.session.get(Room, general).join(user)[1] is False
        with pytest.raises(Problem) as refused:
            db.session.get(Room, secret).join(user)
        assert refused.value.code == "invite_only"


def test_inviting_adds_the_named_user_and_refuses_unknown_names(app, alice, bob, secret):
    with app.app_context():
        room, inviter = db.session.get(Room, secret), db.session.get(User, alice.id)
        membership, created = room.invite(inviter, "BOB")
        assert (membership.user_id, created) == (bob.id, True)
        with pytest.raises(Problem) as missing:
            room.invite(inviter, "nobody")
        assert (missing.value.status, missing.value.code) == (404, "user_not_found")


def test_a_joiner_starts_with_everything_before_them_read(app, alice, mallory, general):
    with app.app_context():
        room = db.session.get(Room, general)
        room.post(db.session.get(User, alice.id), "before mallory")
        membership, _ = db.session.get(Room, general).join(db.session.get(User, mallory.id))
        assert membership.last_read_seq == 2  # "before mallory", and her own "mallory joined"


def test_the_directory_shows_public_rooms_and_only_my_private_ones(app, alice, mallory, general, secret):
    with app.app_context():
        seen = {room.name: membership is not None
                for room, membership in Room.directory(db.session.get(User, mallory.id))}
        assert seen == {"general": False}
        seen = {room.name: membership is not None
                for room, membership in Room.directory(db.session.get(User, alice.id))}
        assert seen == {"general": True, "secret": True}


def test_the_last_owner_leaving_hands_the_room_to_the_longest_member(app, alice, bob, general):
    with app.app_context():
        Membership.of(general, alice.id).leave()
        assert [(m.user.username, m.role) for m in db.session.get(Room, general).members()] == [("bob", "owner")]
