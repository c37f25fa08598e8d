"""What replies cost: the parent each reply quotes is loaded with the page, the
replayed log and the thread, never once per message; a fresh reply and its
parent's count are announced without going back to the database."""
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from chat.extensions import db
from chat.models import Message, Room, User
from chat.models.reads import log_page
from chat.models.reply import excerpt


@contextmanager
def counted():
    """The statements sent to the database inside the block, in a list."""
    sent = []

    def record(connection, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def threads(app, room_id, who, parents):
    """`parents` messages of `who`'s in the room, each with one reply; returns the room's last seq."""
    with app.app_context():
        room, user = db.session.get(Room, room_id), db.session.get(User, who.id)
        for n in range(parents):
            parent, _ = room.post(user, f"question {n}")
            room.post(user, f"answer {n}", reply_to=parent.seq)
        return room.last_seq


def cost(app, read):
    """How many statements `read()` and the JSON of what it returns take, in a fresh session."""
    with app.app_context():
        db.session.expire_all()
        with counted() as sent:
            [entry.to_json() for entry in read()]
        return len(sent)


@pytest.mark.parametrize("read", ["history", "log", "thread"])
def test_reading_replies_costs_the_same_queries_for_five_as_for_fifty(app, alice, general, read):
    def reader(first_seq):
        if read == "history":
            return lambda: Message.page(general, limit=200)[0]
        if read == "log":
            return lambda: log_page(general, after=0)
        return lambda: Message.at(general, first_seq).replies(limit=200)[0] + Message.at(general, first_seq + 1).replies()[0]

    threads(app, general, alice, 5)
    few = cost(app, reader(1))
    threads(app, general, alice, 45)
    assert cost(app, reader(1)) == few


def test_a_fresh_reply_and_its_parents_count_are_announced_without_another_query(app, alice, general):
    with app.app_context():
        room, user = db.session.get(Room, general), db.session.get(User, alice.id)
        parent, _ = room.post(user, "who has the deploy keys?")
        db.session.expire_all()
        room, user = db.session.get(Room, general), db.session.get(User, alice.id)
        user.to_json()
        reply, _ = room.post(user, "I do", reply_to=parent.seq)
        with counted() as sent:
            shown = reply.to_json()
            counted_on = reply.parent.to_json()
        assert sent == []
        assert (shown["reply_to"]["excerpt"], counted_on["replies"]["count"]) == ("who has the deploy keys?", 1)


@pytest.mark.parametrize("body, expected", [
    ("", ""),
    ("a\u00a0b \u2003 c", "a b c"),
    ("é" * 101, "é" * 100 + "…"),
    ("ends with a space at the cut " + "z" * 100, "ends with a space at the cut " + "z" * 71 + "…"),
    ("x" * 99 + " y", "x" * 99 + "…"),
])
def test_an_excerpt_is_one_line_of_at_most_a_hundred_characters_and_an_ellipsis(body, expected):
    assert excerpt(body) == expected
