"""Reactions: one emoji per person per message, idempotent, each change a line
of the room's log: live, on resume, and gap-free."""
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
from sqlalchemy import select

from chat.extensions import db
from chat.models import Membership, Message, Reaction, Room, RoomEvent, User
from tests import sse
from tests.api.conftest import response_validator
from tests.conftest import PASSWORD, history, last_seq, remove, say

PATH = "/rooms/{room_id}/messages/{seq}/reactions/{emoji}"


@pytest.fixture
def app_settings():
    return {"STREAM_HEARTBEAT": 0.5}


def react(api, who, room, seq, emoji, method="PUT", encode=True):
    """PUT (or DELETE) `emoji` on message `seq`, percent-encoded as a browser sends it."""
    segment = quote(emoji, safe="") if encode else emoji
    response = api.as_(who).call(method, f"/rooms/{room}/messages/{seq}/reactions/{segment}")
    validator = response_validator(PATH, method.lower(), response.status_code)
    if validator is not None:
        validator.validate(response.get_json())
    return response


def unreact(api, who, room, seq, emoji):
    return react(api, who, room, seq, emoji, method="DELETE")


def reactions(api, who, room, seq=1):
    return api.as_(who).get(f"/rooms/{room}/messages/{seq}").get_json()["reactions"]


def log_seqs(app, room):
    """Every seq the room's log has handed out: its messages' and its events'."""
    with app.app_context():
        return sorted([*db.session.scalars(select(Message.seq).where(Message.room_id == room)),
                       *db.session.scalars(select(RoomEvent.seq).where(RoomEvent.room_id == room))])


def stored(app):
    with app.app_context():
        return db.session.scalar(select(db.func.count()).select_from(Reaction))


def logged(stream, seconds=0.7):
    """Every log entry (reactions included) the stream sends within `seconds`."""
    found, deadline = [], time.monotonic() + seconds
    while True:
        try:
            event = stream.next(max(deadline - time.monotonic(), 0.01))
        except TimeoutError:
            return found
        if event["event"] in sse.LOG:
            found.append(event)


def test_adding_a_reaction_answers_the_message_with_it_and_takes_the_rooms_next_seq(api, alice, bob, general):
    posted = say(api, alice, general, "ship it?")
    assert posted["reactions"] == []
    response = react(api, bob, general, 1, "👍")
    assert response.status_code == 200
    assert response.get_json() == {**posted, "reactions": [{"emoji": "👍", "count": 1, "users": ["bob"]}]}
    assert reactions(api, alice, general) == [{"emoji": "👍", "count": 1, "users": ["bob"]}]
    assert last_seq(api, alice, general) == 2
    assert say(api, alice, general, "shipped")["seq"] == 3


def test_adding_the_same_reaction_again_is_a_200_that_changes_nothing_and_takes_no_seq(app, api, alice, bob, general):
    say(api, alice, general, "ship it?")
    first = react(api, bob, general, 1, "👍").get_json()
    again = react(api, bob, general, 1, "👍")
    assert (again.status_code, again.get_json()) == (200, first)
    assert (last_seq(api, alice, general), stored(app)) == (2, 1)


def test_taking_a_reaction_back_takes_a_seq_and_taking_it_back_again_takes_none(app, api, alice, bob, general):
    say(api, alice, general, "ship it?")
    react(api, bob, general, 1, "👍")
    react(api, alice, general, 1, "👍")
    response = unreact(api, bob, general, 1, "👍")
    assert response.status_code == 200
    assert response.get_json()["reactions"] == [{"emoji": "👍", "count": 1, "users": ["alice"]}]
    assert last_seq(api, alice, general) == 4
    again = unreact(api, bob, general, 1, "👍")
    assert (again.status_code, again.get_json()) == (200, response.get_json())
    assert unreact(api, bob, general, 1, "🎉").status_code == 200  # one never added: nothing to take back
    assert (last_seq(api, alice, general), stored(app)) == (4, 1)
    assert log_seqs(app, general) == [1, 2, 3, 4]


def test_reactions_are_listed_in_the_order_each_emoji_first_appeared_with_who_chose_it(api, alice, bob, general):
    say(api, alice, general, "release notes are up")
    for who, emoji in ((bob, "🎉"), (alice, "👀"), (alice, "🎉"), (bob, "👀"), (bob, "✅")):
        assert react(api, who, general, 1, emoji).status_code == 200
    unreact(api, alice, general, 1, "👀")
    assert reactions(api, bob, general) == [
        {"emoji": "🎉", "count": 2, "users": ["bob", "alice"]},
        {"emoji": "👀", "count": 1, "users": ["bob"]},
        {"emoji": "✅", "count": 1, "users": ["bob"]},
    ]
    assert history(api, bob, general)[0]["reactions"] == reactions(api, bob, general)


def test_an_emoji_counts_everyone_who_chose_it_but_names_only_the_first_twenty(app, api, alice, general):
    say(api, alice, general, "pizza friday?")
    with app.app_context():
        message = Message.at(general, 1)
        for n in range(23):
            user = User.register(f"fan{n:02}", PASSWORD)
            db.session.add(Membership(room_id=general, user=user))
            db.session.commit()
            message.react(user, "🍕")
    [pizza] = reactions(api, alice, general)
    assert (pizza["count"], pizza["users"]) == (23, [f"fan{n:02}" for n in range(20)])


@pytest.mark.parametrize("emoji", [
    "👍", "👍🏽", "🇫🇷", "👩‍💻", "👨‍👩‍👧‍👦", "🏳️‍🌈", "1️⃣", "❤️", "🫠",
])
def test_any_one_emoji_grapheme_is_a_reaction_flags_skin_tones_and_zwj_sequences_included(api, alice, general, emoji):
    say(api, alice, general, "react to me")
    for encode in (True, False):  # percent-encoded, as browsers send it, or as an IRI
        unreact(api, alice, general, 1, emoji)
        response = react(api, alice, general, 1, emoji, encode=encode)
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["reactions"] == [{"emoji": emoji, "count": 1, "users": ["alice"]}]


def test_an_emoji_without_its_variation_selector_is_the_same_reaction_as_with_it(api, alice, bob, general):
    say(api, alice, general, "love it")
    react(api, alice, general, 1, "❤")  # U+2764 alone: text presentation
    react(api, bob, general, 1, "❤️")
    assert reactions(api, alice, general) == [{"emoji": "❤️", "count": 2, "users": ["alice", "bob"]}]
    unreact(api, alice, general, 1, "❤")
    assert reactions(api, alice, general) == [{"emoji": "❤️", "count": 1, "users": ["bob"]}]


@pytest.mark.parametrize("emoji", [
    "", " ", "👍👍", "👍 ", " 👍", "👍🎉", "a", "ok", "+1", ":thumbsup:", "1", "#", "🏽", "\u200d", "\ufe0f",
    "🇫", "x" * 5000, "%F0%9F%91", "\u00ff", "<script>",
])
@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_two_emoji_text_or_nothing_is_a_400_that_stores_nothing(app, api, alice, general, emoji, method):
    say(api, alice, general, "hello")
    response = react(api, alice, general, 1, emoji, method=method)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_emoji"
    assert (stored(app), last_seq(api, alice, general)) == (0, 1)


def test_a_message_holds_at_most_twenty_different_emoji_but_anyone_may_add_one_already_there(
        app, api, alice, bob, general):
    say(api, alice, general, "vote")
    twenty = ["😀", "😃", "😄", "😁", "😆", "😅", "🤣", "😂", "🙂", "🙃", "😉", "😊", "😇", "🥰", "😍", "🤩", "😘", "😗",
              "😚", "😙"]
    for emoji in twenty:
        assert react(api, alice, general, 1, emoji).status_code == 200
    refused = react(api, bob, general, 1, "👍")
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "too_many_emoji")
    assert (stored(app), last_seq(api, alice, general)) == (20, 21)
    assert react(api, bob, general, 1, "😀").status_code == 200
    assert reactions(api, bob, general)[0] == {"emoji": "😀", "count": 2, "users": ["alice", "bob"]}
    unreact(api, alice, general, 1, "😙")
    assert react(api, bob, general, 1, "👍").status_code == 200  # a place came free
    assert [r["emoji"] for r in reactions(api, bob, general)] == [*twenty[:-1], "👍"]


def test_a_deleted_message_or_a_system_line_cannot_be_reacted_to(app, api, alice, bob, general):
    api.as_(alice).call("PATCH", f"/rooms/{general}", json={"topic": "Releases"})  # seq 1: a system line
    say(api, bob, general, "oops")
    react(api, alice, general, 2, "👀")
    assert remove(api, bob, general, 2).status_code == 204
    assert reactions(api, alice, general, 2) == []  # who reacted went with the words
    for seq, code in ((1, "not_a_message"), (2, "message_deleted")):
        for method in ("PUT", "DELETE"):
            response = react(api, alice, general, seq, "👍", method=method)
            assert (response.status_code, response.get_json()["error"]["code"]) == (409, code)
    assert (stored(app), last_seq(api, alice, general)) == (0, 4)
    assert reactions(api, alice, general, 1) == []


def test_only_members_react_an_outsider_gets_the_404_of_a_room_that_is_not_there(api, alice, mallory, general, secret):
    say(api, alice, general, "public words")
    say(api, alice, secret, "private words")
    for method in ("PUT", "DELETE"):
        refused = react(api, mallory, general, 1, "👍", method=method)
        assert (refused.status_code, refused.get_json()["error"]["code"]) == (403, "not_a_member")
        for room in (secret, 99999):
            hidden = react(api, mallory, room, 1, "👍", method=method)
            assert (hidden.status_code, hidden.get_json()["error"]["code"]) == (404, "room_not_found")
    assert reactions(api, alice, secret) == reactions(api, alice, general) == []
    assert api.call("PUT", f"/rooms/{general}/messages/1/reactions/{quote('👍')}").status_code == 401  # no login


@pytest.mark.parametrize("seq", ["2", "0", "x", "99999999999"])
def test_a_message_that_is_not_there_is_a_json_404(api, alice, general, seq):
    say(api, alice, general, "only one")
    for method in ("PUT", "DELETE"):
        response = api.as_(alice).call(method, f"/rooms/{general}/messages/{seq}/reactions/{quote('👍')}")
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] in ("message_not_found", "not_found")


def test_seqs_stay_gap_free_across_posts_reactions_no_ops_and_refusals(app, api, alice, bob, general):
    say(api, alice, general, "one")
    react(api, bob, general, 1, "👍")
    react(api, bob, general, 1, "👍")  # no-op
    react(api, bob, general, 1, "nope")  # refused
    say(api, bob, general, "two")
    unreact(api, bob, general, 1, "🎉")  # no-op
    react(api, alice, general, 3, "🎉")
    unreact(api, bob, general, 1, "👍")
    assert log_seqs(app, general) == [1, 2, 3, 4, 5]
    assert last_seq(api, alice, general) == 5


def test_two_people_reacting_at_once_take_one_seq_each_in_turn(serve, app, api, alice, bob, general):
    _, base = serve(app)
    say(api, alice, general, "race")
    calls = [(who, emoji) for who in (alice, bob) for emoji in ("👍", "🎉", "👀", "✅", "😂")]

    def put(call):
        who, emoji = call
        request = urllib.request.Request(f"{base}/api/v1/rooms/{general}/messages/1/reactions/{quote(emoji)}",
                                         method="PUT", headers={"Authorization": f"Bearer {who.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        assert list(pool.map(put, calls)) == [200] * len(calls)
    assert log_seqs(app, general) == list(range(1, 12))
    assert stored(app) == 10
    with app.app_context():
        assert db.session.get(Room, general).last_seq == 11


def test_a_reaction_is_heard_live_and_a_stream_resuming_from_before_it_gets_exactly_it(
        serve, app, api, alice, bob, general):
    _, base = serve(app)
    say(api, alice, general, "ship it?")
    stream = sse.Stream(base, alice.token)
    stream.take(1, kind="presence")
    cursor = stream.cursor
    assert cursor == f"v1.{general}-1"
    answer = react(api, bob, general, 1, "👍").get_json()
    [live] = logged(stream)
    assert (live["event"], live["id"]) == ("reaction", f"v1.{general}-2")
    assert {k: live["data"][k] for k in ("room_id", "seq", "kind", "actor", "message")} == {
        "room_id": general, "seq": 2, "kind": "reaction", "actor": {"id": bob.id, "username": "bob"}, "message": answer}
    resumed = sse.Stream(base, alice.token, last_event_id=cursor)
    [replayed] = logged(resumed)
    assert replayed["raw"] == live["raw"]
    react(api, bob, general, 1, "👍")  # a no-op: nobody hears anything
    assert logged(stream) == [] and logged(resumed) == []
    for each in (stream, resumed):
        each.close()


def test_a_client_away_for_a_week_catches_up_on_every_change_once_each_showing_the_counts_as_they_stand(
        serve, app, api, alice, bob, general):
    _, base = serve(app)
    say(api, alice, general, "ship it?")
    react(api, bob, general, 1, "👍")
    react(api, alice, general, 1, "🎉")
    react(api, alice, general, 1, "👍")
    unreact(api, bob, general, 1, "👍")
    say(api, bob, general, "shipped")
    now = reactions(api, alice, general)
    # 🎉 now comes first: of the reactions still there, alice's 🎉 is the oldest.
    assert now == [{"emoji": "🎉", "count": 1, "users": ["alice"]}, {"emoji": "👍", "count": 1, "users": ["alice"]}]
    resumed = sse.Stream(base, alice.token, last_event_id=f"v1.{general}-1")
    entries = logged(resumed)
    assert [(e["event"], e["data"]["seq"]) for e in entries] == [
        ("reaction", 2), ("reaction", 3), ("reaction", 4), ("reaction", 5), ("message", 6)]
    assert all(e["data"]["message"]["reactions"] == now for e in entries[:4])
    assert [e["data"]["actor"]["username"] for e in entries[:4]] == ["bob", "alice", "alice", "bob"]
    resumed.close()
