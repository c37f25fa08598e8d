import pytest
from sqlalchemy import func, select

from chat.errors import Problem
from chat.extensions import db
from chat.models import Message, Room, User


def post_many(app, room_id, user_id, count):
    with app.app_context():
        room, author = db.session.get(Room, room_id), db.session.get(User, user_id)
        for i in range(count):
            room.post(author, f"message {i + 1}")


@pytest.mark.parametrize("body, stored", [
    ("  hello  ", "hello"),
    ("line one\r\nline two", "line one\nline two"),
    ("tab\tinside", "tab\tinside"),
    ("x" * 4000, "x" * 4000),
    ("émoji 🎉", "émoji 🎉"),
    ("<b>not html</b>", "<b>not html</b>"),
])
def test_a_body_is_trimmed_and_its_newlines_normalised(app, alice, general, body, stored):
    with app.app_context():
        message, _ = db.session.get(Room, general).post(db.session.get(User, alice.id), body)
        assert message.body == stored


@pytest.mark.parametrize("body, code", [
    ("", "too_short"),
    (" \n\t ", "too_short"),
    ("x" * 4001, "too_long"),
    ("nul\x00byte", "invalid_characters"),
    ("bell\x07", "invalid_characters"),
    ("escape\x1b[31m", "invalid_characters"),
    ("surrogate\ud800", "invalid_characters"),
    (None, "invalid_field"),
    (["list"], "invalid_field"),
])
def test_a_bad_body_is_refused_and_nothing_is_stored(app, alice, general, body, code):
    with app.app_context():
        with pytest.raises(Problem) as refused:
            db.session.get(Room, general).post(db.session.get(User, alice.id), body)
        assert (refused.value.status, refused.value.code, refused.value.field) == (400, code, "body")
        assert db.session.scalar(select(func.count()).select_from(Message)) == 0


@pytest.mark.parametrize("client_id", ["", "x" * 65, "has space", "ü", 7])
def test_a_malformed_client_id_is_refused(app, alice, general, client_id):
    with app.app_context():
        with pytest.raises(Problem) as refused:
            db.session.get(Room, general).post(db.session.get(User, alice.id), "hi", client_id)
        assert refused.value.code == "invalid_client_id"


def test_a_page_is_the_latest_messages_ascending_with_older_ones_flagged(app, alice, general):
    post_many(app, general, alice.id, 7)
    with app.app_context():
        page, more = Message.page(general, limit=3)
        assert ([m.seq for m in page], more) == ([5, 6, 7], True)
        page, more = Message.page(general, before=5, limit=3)
        assert ([m.seq for m in page], more) == ([2, 3, 4], True)
        page, more = Message.page(general, before=3, limit=3)
        assert ([m.seq for m in page], more) == ([1, 2], False)


def test_after_pages_forward_and_flags_newer_ones(app, alice, general):
    post_many(app, general, alice.id, 5)
    with app.app_context():
        page, more = Message.page(general, after=0, limit=2)
        assert ([m.seq for m in page], more) == ([1, 2], True)
        page, more = Message.page(general, after=3, limit=2)
        assert ([m.seq for m in page], more) == ([4, 5], False)
        assert Message.page(general, after=5) == ([], False)


def test_created_at_comes_back_in_utc_with_a_z(app, alice, general):
    with app.app_context():
        message, _ = db.session.get(Room, general).post(db.session.get(User, alice.id), "hi")
        data = Message.at(general, 1).to_json()
        assert data["created_at"].endswith("Z")
        assert data == {
            "id": message.id, "room_id": general, "seq": 1, "author": {"id": alice.id, "username": "alice"},
            "body": "hi", "html": "<p>hi</p>", "client_id": None, "created_at": data["created_at"], "kind": "message",
            "edited_at": None, "deleted": False, "url": f"/rooms/{general}/messages/1",
            "attachments": [], "reactions": [], "reply_to": None, "replies": {"count": 0, "last_at": None},
        }
