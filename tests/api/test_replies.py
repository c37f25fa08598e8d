"""Replies and threads: a reply says what it answers, its parent counts it with a
log entry of its own (live and on resume), refusals store nothing, and a thread
pages through its replies oldest first."""
import pytest

from tests import sse
from tests.api.conftest import response_validator
from tests.conftest import edit, history, last_seq, remove, say
from tests.sse import caught_up, log_entries

THREAD = "/rooms/{room_id}/messages/{seq}/replies"


@pytest.fixture
def app_settings():
    return {"STREAM_HEARTBEAT": 0.5}


def reply(api, who, room, seq, body, **extra):
    return api.as_(who).post(f"/rooms/{room}/messages", json={"body": body, "reply_to": seq, **extra})


def replied(api, who, room, seq, body, **extra):
    response = reply(api, who, room, seq, body, **extra)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def message(api, who, room, seq):
    return api.as_(who).get(f"/rooms/{room}/messages/{seq}").get_json()


def thread(api, who, room, seq, query=""):
    return api.as_(who).get(f"/rooms/{room}/messages/{seq}/replies{query}")


def test_a_reply_says_what_it_answers_and_its_parent_counts_it(api, alice, bob, general):
    parent = say(api, bob, general, "who has the deploy keys?")
    assert (parent["reply_to"], parent["replies"]) == (None, {"count": 0, "last_at": None})
    answer = replied(api, alice, general, 1, "I do")
    assert answer["seq"] == 2
    assert answer["reply_to"] == {"seq": 1, "author": {"id": bob.id, "username": "bob"},
                                  "excerpt": "who has the deploy keys?", "deleted": False}
    assert answer["replies"] == {"count": 0, "last_at": None}
    assert message(api, bob, general, 1)["replies"] == {"count": 1, "last_at": answer["created_at"]}
    assert message(api, bob, general, 2) == answer
    assert last_seq(api, alice, general) == 3  # the reply, then its parent's count
    later = replied(api, bob, general, 1, "thanks")
    assert later["seq"] == 4
    assert message(api, alice, general, 1)["replies"] == {"count": 2, "last_at": later["created_at"]}
    validator = response_validator("/rooms/{room_id}/messages", "post", 201)
    validator.validate(answer)
    validator.validate(parent)


@pytest.mark.parametrize("body, expected", [
    ("short and sweet", "short and sweet"),
    ("  several\n\nlines\tand   gaps  ", "several lines and gaps"),
    ("x" * 100, "x" * 100),
    ("y" * 101, "y" * 100 + "…"),
    ("word " * 30, ("word " * 20).rstrip() + "…"),
])
def test_the_excerpt_is_the_parents_text_on_one_line_cut_at_a_hundred_characters(api, alice, bob, general, body, expected):
    say(api, bob, general, body)
    assert replied(api, alice, general, 1, "re")["reply_to"]["excerpt"] == expected


def test_the_excerpt_follows_the_parents_edits_and_a_deleted_parent_shows_none(api, alice, bob, general):
    say(api, bob, general, "lunch at non?")
    replied(api, alice, general, 1, "yes")
    edit(api, bob, general, 1, "lunch at noon?")
    assert history(api, alice, general)[1]["reply_to"]["excerpt"] == "lunch at noon?"
    remove(api, bob, general, 1)
    shown = message(api, alice, general, 2)["reply_to"]
    assert shown == {"seq": 1, "author": {"id": bob.id, "username": "bob"}, "excerpt": "", "deleted": True}


def test_the_parents_new_count_is_announced_live_with_its_own_seq_after_the_reply(serve, app, api, alice, bob, general):
    _, base = serve(app)
    say(api, bob, general, "who has the deploy keys?")
    stream = sse.Stream(base, bob.token)
    stream.take(1, kind="presence")
    answer = replied(api, alice, general, 1, "I do")
    posted, counted = log_entries(stream, 2)
    assert (posted["event"], posted["id"], posted["data"]) == ("message", f"v1.{general}-2", answer)
    assert (counted["event"], counted["id"]) == ("replies", f"v1.{general}-3")
    data = counted["data"]
    assert {k: data[k] for k in ("room_id", "seq", "kind", "actor")} == \
        {"room_id": general, "seq": 3, "kind": "replies", "actor": {"id": alice.id, "username": "alice"}}
    assert data["message"] == message(api, bob, general, 1)
    assert data["message"]["replies"] == {"count": 1, "last_at": answer["created_at"]}
    say(api, bob, general, "thanks")
    assert [e["data"]["seq"] for e in log_entries(stream, 1)] == [4]  # no gap, no double
    assert caught_up(stream)
    stream.close()


def test_a_stream_that_resumes_gets_the_reply_and_the_count_in_order_exactly_once(serve, app, api, alice, bob, general):
    _, base = serve(app)
    say(api, bob, general, "who has the deploy keys?")
    stream = sse.Stream(base, bob.token)
    stream.take(1, kind="presence")
    cursor = stream.cursor
    replied(api, alice, general, 1, "I do")
    live = log_entries(stream, 2)
    stream.close()
    resumed = sse.Stream(base, bob.token, last_event_id=cursor)
    replayed = log_entries(resumed, 2)
    assert [e["raw"] for e in replayed] == [e["raw"] for e in live]
    assert caught_up(resumed)
    resumed.close()


@pytest.mark.parametrize("target, status, code", [
    (99, 404, "reply_to_not_found"),
    ("other room", 404, "reply_to_not_found"),  # a seq that exists only in another room
    ("count", 404, "reply_to_not_found"),  # the seq of a log entry that is no message
    ("deleted", 409, "reply_to_deleted"),
    ("system", 409, "reply_to_not_a_message"),
    (0, 404, "reply_to_not_found"),
    (-1, 404, "reply_to_not_found"),
    (2**40, 404, "reply_to_not_found"),
    ("1", 400, "invalid_field"),
    (True, 400, "invalid_field"),
    (1.5, 400, "invalid_field"),
    ([1], 400, "invalid_field"),
])
def test_a_reply_to_what_cannot_be_answered_is_refused_and_nothing_is_stored(
        api, alice, bob, general, secret, target, status, code):
    say(api, bob, general, "first")  # 1
    replied(api, alice, general, 1, "an answer")  # 2, and its count at 3
    say(api, bob, general, "regrettable")  # 4
    remove(api, bob, general, 4)  # 5
    api.as_(alice).call("PATCH", f"/rooms/{general}", json={"topic": "Deploys"})  # 6, a system line
    for n in range(8):
        say(api, alice, secret, f"secret {n}")
    named = {"other room": 7, "count": 3, "deleted": 4, "system": 6}
    seq = named[target] if isinstance(target, str) and target in named else target
    before, seq_before = history(api, alice, general), last_seq(api, alice, general)
    response = reply(api, alice, general, seq, "hello?", client_id="retry-me")
    assert (response.status_code, response.get_json()["error"]["code"]) == (status, code)
    assert response.get_json()["error"].get("field") == "reply_to"
    assert (history(api, alice, general), last_seq(api, alice, general)) == (before, seq_before)
    assert message(api, alice, general, 1)["replies"]["count"] == 1
    # The refusal kept nothing, not even the client_id: the same id posts afresh.
    assert say_with_id(api, alice, general, "hello?", "retry-me").status_code == 201


def say_with_id(api, who, room, body, client_id):
    return api.as_(who).post(f"/rooms/{room}/messages", json={"body": body, "client_id": client_id})


def test_a_repeated_client_id_returns_the_first_reply_and_takes_no_seq(api, alice, bob, general):
    say(api, bob, general, "who has the deploy keys?")
    first = replied(api, alice, general, 1, "I do", client_id="keys-1")
    again = reply(api, alice, general, 1, "I do", client_id="keys-1")
    assert (again.status_code, again.get_json()) == (200, first)
    assert last_seq(api, alice, general) == 3
    assert message(api, alice, general, 1)["replies"]["count"] == 1


def test_a_reply_to_a_reply_answers_that_reply_and_counts_in_its_thread(api, alice, bob, general):
    say(api, bob, general, "who has the deploy keys?")  # 1
    replied(api, alice, general, 1, "I do")  # 2 (+3)
    nested = replied(api, bob, general, 2, "can you share them?")  # 4 (+5)
    assert (nested["reply_to"]["seq"], nested["reply_to"]["excerpt"]) == (2, "I do")
    assert message(api, bob, general, 1)["replies"]["count"] == 1
    assert message(api, bob, general, 2)["replies"]["count"] == 1
    assert [r["seq"] for r in thread(api, bob, general, 1).get_json()["replies"]] == [2]


def test_a_thread_pages_through_its_replies_oldest_first(api, alice, bob, general):
    say(api, bob, general, "standup notes?")  # 1
    seqs = []
    for n in range(5):
        seqs.append(replied(api, alice if n % 2 else bob, general, 1, f"note {n}")["seq"])
        say(api, bob, general, f"meanwhile {n}")  # not in the thread
    page = thread(api, alice, general, 1, "?limit=2")
    assert page.status_code == 200
    response_validator(THREAD, "get", 200).validate(page.get_json())
    data = page.get_json()
    assert data["parent"] == message(api, alice, general, 1)
    assert ([r["body"] for r in data["replies"]], data["has_more"]) == (["note 0", "note 1"], True)
    data = thread(api, alice, general, 1, f"?after={seqs[1]}&limit=2").get_json()
    assert ([r["body"] for r in data["replies"]], data["has_more"]) == (["note 2", "note 3"], True)
    data = thread(api, alice, general, 1, f"?after={seqs[3]}").get_json()
    assert ([r["body"] for r in data["replies"]], data["has_more"]) == (["note 4"], False)
    everything = thread(api, alice, general, 1).get_json()
    assert [r["seq"] for r in everything["replies"]] == seqs and everything["has_more"] is False
    assert thread(api, alice, general, 2).get_json() == {"parent": message(api, alice, general, 2), "replies": [],
                                                        "has_more": False}


def test_deleting_the_parent_keeps_its_tombstone_and_its_replies(api, alice, bob, general):
    say(api, bob, general, "hot take")
    replied(api, alice, general, 1, "disagree")
    replied(api, alice, general, 1, "strongly")
    assert remove(api, bob, general, 1).status_code == 204
    data = thread(api, alice, general, 1).get_json()
    assert (data["parent"]["deleted"], data["parent"]["body"], data["parent"]["replies"]["count"]) == (True, "", 2)
    assert [(r["body"], r["reply_to"]["deleted"]) for r in data["replies"]] == [("disagree", True), ("strongly", True)]
    assert [(m["seq"], m["deleted"]) for m in history(api, alice, general)] == [(1, True), (2, False), (4, False)]


def test_a_deleted_reply_stays_in_its_thread_as_a_tombstone_and_still_counts(api, alice, bob, general):
    say(api, bob, general, "hot take")
    replied(api, alice, general, 1, "oops")
    remove(api, alice, general, 2)
    data = thread(api, bob, general, 1).get_json()
    assert ([(r["seq"], r["deleted"]) for r in data["replies"]], data["parent"]["replies"]["count"]) == ([(2, True)], 1)


@pytest.mark.parametrize("query, code", [("?limit=0", "invalid_parameter"), ("?limit=201", "invalid_parameter"),
                                         ("?after=-1", "invalid_parameter"), ("?after=x", "invalid_parameter")])
def test_a_bad_page_of_a_thread_is_a_400(api, alice, general, query, code):
    say(api, alice, general, "hello")
    response = thread(api, alice, general, 1, query)
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, code)


def test_a_thread_of_a_message_that_is_not_there_is_a_404(api, alice, general):
    response = thread(api, alice, general, 1)
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "message_not_found")
    response_validator(THREAD, "get", 404).validate(response.get_json())


def test_only_members_read_a_thread_and_reply_in_it(api, alice, mallory, general, secret):
    say(api, alice, secret, "psst")
    say(api, alice, general, "hello")
    for response in (thread(api, mallory, secret, 1), reply(api, mallory, secret, 1, "me too")):
        assert (response.status_code, response.get_json()["error"]["code"]) == (404, "room_not_found")
    for response in (thread(api, mallory, general, 1), reply(api, mallory, general, 1, "me too")):
        assert (response.status_code, response.get_json()["error"]["code"]) == (403, "not_a_member")
    assert message(api, alice, secret, 1)["replies"]["count"] == 0
    assert last_seq(api, alice, secret) == 1
