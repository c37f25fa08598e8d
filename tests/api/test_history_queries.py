"""What a message's parts cost: a page of history, one message, search hits and
the replayed log each take the same number of SQL statements for 5 messages as
for 50, however many reactions, attachments and replies they carry; a fresh
post asks nothing about them."""
import io
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from chat.extensions import db
from werkzeug.datastructures import FileStorage

from chat.models import Membership, Message, Room, Upload, User
from chat.models.reads import log_page
from tests.api.test_uploads import image, pdf
from tests.conftest import PASSWORD, say

EMOJI = ["👍", "🎉", "👀", "✅", "😂"]


@pytest.fixture
def app_settings(tmp_path):
    return {"UPLOADS_DIR": str(tmp_path / "uploads")}


@contextmanager
def counted(app):
    """The SQL statements the block sends (a list, filled in as it runs)."""
    sent = []

    def record(connection, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield sent
        finally:
            event.remove(db.engine, "before_cursor_execute", record)


def files(room, user, n):
    """Upload ids for message `n`: an image on every other one, and a PDF beside it on every fourth."""
    made = []
    if n % 2 == 0:
        made.append(Upload.store(room, user, FileStorage(io.BytesIO(image()), f"shot-{n}.png")))
    if n % 4 == 0:
        made.append(Upload.store(room, user, FileStorage(io.BytesIO(pdf()), f"notes-{n}.pdf")))
    return [upload.id for upload in made] or None


def busy_room(app, alice, count):
    """A room of `count` messages, each reacted to by three people with several
    emoji, every other one with files, and every third a reply to the one before."""
    with app.app_context():
        owner = db.session.get(User, alice.id)
        room = Room.create(owner, f"busy {count}")
        fans = [owner]
        for n in range(2):
            fan = User.register(f"fan{count}x{n}", PASSWORD)
            db.session.add(Membership(room=room, user=fan))
            fans.append(fan)
        db.session.commit()
        message = None
        for n in range(count):
            reply_to = message.seq if message is not None and n % 3 == 2 else None
            message, _ = room.post(fans[n % 3], f"message {n}, **bold**", attachments=files(room, fans[n % 3], n),
                                   reply_to=reply_to)
            for i, fan in enumerate(fans):
                for emoji in EMOJI[:(n + i) % len(EMOJI) + 1]:
                    message.react(fan, emoji)
        return room.id, room.last_seq


def costs(app, api, alice, count):
    """The statements each read of a room of `count` messages takes."""
    room, last = busy_room(app, alice, count)
    found = {}
    assert api.as_(alice).get("/me").status_code == 200  # the login, remembered from then on (chat.logins)
    with counted(app) as sent:
        response = api.as_(alice).get(f"/rooms/{room}/messages?limit=50")
        page = response.get_json()["messages"]
        assert len(page) == min(count, 50)
        assert all(m["reactions"] for m in page)
        assert sum(len(m["attachments"]) for m in page) == sum(1 + (n % 4 == 0) for n in range(count) if n % 2 == 0)
        assert sum(m["reply_to"] is not None for m in page) == count // 3
    found["history page"] = len(sent)
    with counted(app) as sent:
        assert api.as_(alice).get(f"/rooms/{room}/messages/1").get_json()["reactions"]
    found["one message"] = len(sent)
    with counted(app) as sent:
        hits = api.as_(alice).get(f"/search?q=message&room={room}").get_json()
    found["search"] = len(sent)
    assert hits
    with counted(app) as sent:
        entries = log_page(room, 0, limit=2000)
        assert [entry.to_json() for entry in entries]
    found["replayed log"] = len(sent)
    assert len(entries) == last
    return found


@pytest.mark.parametrize("few, many", [(5, 50)])
def test_reading_history_costs_the_same_statements_for_5_messages_as_for_50_with_all_their_parts(
        app, api, alice, few, many):
    assert costs(app, api, alice, few) == costs(app, api, alice, many)


def test_a_history_page_reads_every_reaction_and_every_attachment_in_one_statement_each(app, api, alice):
    room, _ = busy_room(app, alice, 12)
    with counted(app) as sent:
        api.as_(alice).get(f"/rooms/{room}/messages")
    assert sum(" reactions" in statement for statement in sent) == 1
    assert sum(" uploads" in statement for statement in sent) == 1


def test_posting_a_message_asks_nothing_about_its_reactions(app, api, alice, general):
    say(api, alice, general, "warm up")  # the first request of a client loads what every request does
    with counted(app) as sent:
        posted = say(api, alice, general, "fresh")
    assert posted["reactions"] == []
    assert not [statement for statement in sent if "reactions" in statement]


def test_a_freshly_made_message_has_no_reactions_without_asking(app, alice, general):
    with counted(app) as sent:
        message = Message(room_id=general, seq=99, author_id=alice.id, body="not stored")
        assert message.reactions_json() == []
    assert sent == []
