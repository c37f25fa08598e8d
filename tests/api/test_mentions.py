"""Unread and mention counts: per member, behind their read marker, kept right by edits and deletes."""
import pytest
from sqlalchemy import func, select

from chat.extensions import db
from chat.models import Mention
from tests import sse
from tests.conftest import edit, remove, say


def counts(api, who, room):
    """(unread, mentions) for `who` in `room`, from the room and from the room list, which must agree."""
    shown = api.as_(who).get(f"/rooms/{room}").get_json()
    listed = {r["id"]: r for r in api.as_(who).get("/rooms").get_json()["rooms"]}[room]
    assert (listed["unread"], listed["mentions"]) == (shown["unread"], shown["mentions"])
    return shown["unread"], shown["mentions"]


def read(api, who, room, seq):
    response = api.as_(who).post(f"/rooms/{room}/read", json={"seq": seq})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def stored_mentions(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Mention))


def test_a_mention_counts_as_unread_and_as_a_mention_for_the_member_named_only(api, alice, bob, general):
    say(api, alice, general, "morning @bob")
    say(api, alice, general, "and everyone else")
    assert counts(api, bob, general) == (2, 1)
    assert counts(api, alice, general) == (0, 0)


def test_reading_moves_the_marker_past_the_mention_and_answers_with_both_counts(api, alice, bob, general):
    say(api, alice, general, "one")
    say(api, alice, general, "two, @bob")
    say(api, alice, general, "three")
    assert read(api, bob, general, 1) == {"room_id": general, "last_read_seq": 1, "unread": 2, "mentions": 1}
    assert read(api, bob, general, 2) == {"room_id": general, "last_read_seq": 2, "unread": 1, "mentions": 0}
    assert read(api, bob, general, 99) == {"room_id": general, "last_read_seq": 3, "unread": 0, "mentions": 0}
    assert counts(api, bob, general) == (0, 0)


def test_mentioning_yourself_is_not_a_mention(api, app, bob, general):
    say(api, bob, general, "note to self, @bob")
    assert counts(api, bob, general) == (0, 0)
    assert stored_mentions(app) == 0


@pytest.mark.parametrize("body, mentioned", [
    ("@bob", True),
    ("hey @BOB, look", True),
    ("(@bob)", True),
    ("ask @bob.", True),
    ("@bob's idea", True),
    ("@bob @bob @bob", True),
    ("@bobby", False),
    ("bob@bob.example", False),
    ("@@bob", False),
    ("@bob.smith", False),
    ("https://example.com/@bob", False),
    ("bob", False),
    ("@ bob", False),
])
def test_only_a_whole_word_mention_outside_links_counts(api, alice, bob, general, body, mentioned):
    say(api, alice, general, body)
    assert counts(api, bob, general) == (1, int(mentioned))


def test_system_messages_deleted_messages_and_my_own_are_not_unread(api, alice, bob, general):
    say(api, bob, general, "mine")
    say(api, alice, general, "kept")
    say(api, alice, general, "withdrawn")
    api.as_(alice).call("PATCH", f"/rooms/{general}", json={"topic": "Quiet please"})
    remove(api, alice, general, 3)
    assert counts(api, bob, general) == (1, 0)


def test_an_edit_that_adds_a_mention_counts_it_and_one_that_drops_it_uncounts_it(app, api, alice, bob, general):
    say(api, alice, general, "who can help?")
    edit(api, alice, general, 1, "who can help? @bob?")
    assert counts(api, bob, general) == (1, 1)
    edit(api, alice, general, 1, "never mind")
    assert counts(api, bob, general) == (1, 0)
    assert stored_mentions(app) == 0


def test_deleting_a_message_takes_its_mention_with_it(app, api, alice, bob, general):
    say(api, alice, general, "@bob look at this")
    assert counts(api, bob, general) == (1, 1)
    remove(api, alice, general, 1)
    assert counts(api, bob, general) == (0, 0)
    assert stored_mentions(app) == 0


def test_mentioning_a_non_member_stores_nothing_tells_them_nothing_and_counts_nothing(
        serve, app, api, alice, bob, mallory, general, secret):
    _, base = serve(app)
    stream = sse.Stream(base, mallory.token)
    say(api, alice, secret, "don't tell @mallory")
    say(api, alice, general, "@mallory is not here")
    assert stream.quiet(0.7, kind=None)
    stream.close()
    assert stored_mentions(app) == 0
    assert api.as_(mallory).get(f"/rooms/{secret}").status_code == 404
    assert "unread" not in api.as_(mallory).get(f"/rooms/{general}").get_json()
    api.as_(mallory).post(f"/rooms/{general}/members", json={})
    assert counts(api, mallory, general) == (0, 0)
    assert counts(api, bob, general) == (1, 0)


def test_a_member_who_joins_later_is_mentioned_from_then_on(api, alice, mallory, general):
    say(api, alice, general, "@mallory, before you came")
    api.as_(mallory).post(f"/rooms/{general}/members", json={})
    say(api, alice, general, "@mallory, welcome")
    assert counts(api, mallory, general) == (1, 1)


def test_a_mention_in_a_direct_message_counts_for_the_partner(api, alice, bob):
    dm = api.as_(alice).post("/dms", json={"username": "bob"}).get_json()["id"]
    say(api, alice, dm, "@bob, got a minute?")
    assert counts(api, bob, dm) == (1, 1)


@pytest.mark.parametrize("payload, code", [
    ({}, "missing_field"),
    ({"seq": "3"}, "invalid_field"),
    ({"seq": 1.5}, "invalid_field"),
    ({"seq": True}, "invalid_field"),
    ({"seq": -1}, "invalid_field"),
    ({"seq": 2**31}, "invalid_field"),
])
def test_a_bad_read_marker_is_a_400_and_moves_nothing(api, alice, bob, general, payload, code):
    say(api, alice, general, "@bob unread")
    response = api.as_(bob).post(f"/rooms/{general}/read", json=payload)
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, code)
    assert counts(api, bob, general) == (1, 1)
