"""Editing and deleting messages: who may, what is kept, and the room's gap-free seq."""
import pytest

from tests.conftest import edit, history, last_seq, remove, say

REFUSALS = {403: "not_your_message", 404: "room_not_found"}


def versions(api, who, room, seq):
    return api.as_(who).get(f"/rooms/{room}/messages/{seq}/versions")


def cast(role, api, runner, alice, bob, mallory, general):
    """Who plays `role` towards a message of bob's in general (alice owns it)."""
    if role == "member":
        api.as_(mallory).post(f"/rooms/{general}/members", json={})
    if role in ("admin", "admin member"):
        assert runner.invoke(args=["users", "admin", "mallory"]).exit_code == 0
    if role == "admin member":
        api.as_(mallory).post(f"/rooms/{general}/members", json={})
    return {"author": bob, "owner": alice}.get(role, mallory)


def test_the_author_edits_a_message_in_place_keeping_its_seq_and_created_at(api, bob, general):
    posted = say(api, bob, general, "helo")
    response = edit(api, bob, general, 1, "hello")
    assert response.status_code == 200
    edited = response.get_json()
    assert {k: edited[k] for k in ("seq", "body", "created_at", "deleted")} == \
        {"seq": 1, "body": "hello", "created_at": posted["created_at"], "deleted": False}
    assert posted["edited_at"] is None and edited["edited_at"] >= posted["created_at"]
    assert api.as_(bob).get(f"/rooms/{general}/messages/1").get_json() == edited


def test_an_edit_takes_the_next_seq_so_the_next_post_follows_it_and_history_keeps_each_message_in_place(
        api, alice, bob, general):
    say(api, bob, general, "one")
    say(api, alice, general, "two")
    edit(api, bob, general, 1, "one, edited")
    assert last_seq(api, alice, general) == 3
    assert say(api, alice, general, "three")["seq"] == 4
    remove(api, alice, general, 2)
    assert say(api, bob, general, "four")["seq"] == 6
    assert [(m["seq"], m["body"]) for m in history(api, bob, general)] == \
        [(1, "one, edited"), (2, ""), (4, "three"), (6, "four")]


@pytest.mark.parametrize("body", ["same words", "  same words\n"])
def test_an_edit_that_changes_nothing_adds_no_version_and_takes_no_seq(api, bob, general, body):
    posted = say(api, bob, general, "same words")
    response = edit(api, bob, general, 1, body)
    assert (response.status_code, response.get_json()) == (200, posted)
    assert versions(api, bob, general, 1).get_json()["versions"] == []
    assert last_seq(api, bob, general) == 1


def test_every_earlier_version_is_kept_oldest_first_with_when_it_was_written(api, bob, general):
    posted = say(api, bob, general, "first")
    after_one = edit(api, bob, general, 1, "second").get_json()
    after_two = edit(api, bob, general, 1, "third").get_json()
    response = versions(api, bob, general, 1)
    assert response.status_code == 200
    assert response.get_json() == {
        "versions": [{"body": "first", "written_at": posted["created_at"]},
                     {"body": "second", "written_at": after_one["edited_at"]}],
        "current": after_two,
    }


@pytest.mark.parametrize("role, versions_status, edit_status, delete_status", [
    ("author", 200, 200, 204),
    ("owner", 200, 403, 204),
    ("admin", 404, 403, 204),  # not in the room: may delete what breaks the rules, not read old versions
    ("admin member", 200, 403, 204),
    ("member", 403, 403, 403),
    ("outsider", 404, 404, 404),
])
def test_who_may_see_versions_edit_and_delete_a_message(api, runner, alice, bob, mallory, general,
                                                        role, versions_status, edit_status, delete_status):
    say(api, bob, general, "bob's words")
    edit(api, bob, general, 1, "bob's words, edited")
    actor = cast(role, api, runner, alice, bob, mallory, general)
    before = history(api, bob, general)
    for response, status in ((versions(api, actor, general, 1), versions_status),
                             (edit(api, actor, general, 1, "rewritten"), edit_status)):
        assert response.status_code == status
        if status in REFUSALS:
            assert response.get_json()["error"]["code"] == REFUSALS[status]
    if edit_status != 200:
        assert history(api, bob, general) == before
    response = remove(api, actor, general, 1)
    assert response.status_code == delete_status
    if delete_status in REFUSALS:
        assert response.get_json()["error"]["code"] == REFUSALS[delete_status]
        assert history(api, bob, general)[0]["deleted"] is False


def test_an_outsider_gets_the_same_404_on_a_private_rooms_messages_as_on_a_missing_room(api, alice, mallory, secret):
    say(api, alice, secret, "psst")
    for response in (edit(api, mallory, secret, 1, "mine now"), remove(api, mallory, secret, 1),
                     versions(api, mallory, secret, 1), edit(api, mallory, 99999, 1, "nothing here")):
        assert (response.status_code, response.get_json()["error"]["code"]) == (404, "room_not_found")
    assert history(api, alice, secret)[0]["body"] == "psst"


def test_a_message_that_is_not_there_is_a_404(api, alice, general):
    for response in (edit(api, alice, general, 1, "x"), remove(api, alice, general, 1),
                     versions(api, alice, general, 1)):
        assert (response.status_code, response.get_json()["error"]["code"]) == (404, "message_not_found")


def test_deleting_leaves_a_tombstone_at_the_same_seq_without_its_body_or_versions(api, alice, bob, general):
    say(api, bob, general, "regrettable")
    edit(api, bob, general, 1, "more regrettable")
    assert remove(api, bob, general, 1).status_code == 204
    tombstone = api.as_(alice).get(f"/rooms/{general}/messages/1").get_json()
    assert {k: tombstone[k] for k in ("seq", "body", "deleted", "author")} == \
        {"seq": 1, "body": "", "deleted": True, "author": {"id": bob.id, "username": "bob"}}
    assert history(api, alice, general) == [tombstone]
    assert versions(api, bob, general, 1).get_json() == {"versions": [], "current": tombstone}


def test_deleting_twice_is_a_204_that_adds_no_second_event(api, alice, bob, general):
    say(api, bob, general, "gone")
    assert remove(api, bob, general, 1).status_code == 204
    assert last_seq(api, alice, general) == 2
    assert remove(api, alice, general, 1).status_code == 204
    assert last_seq(api, alice, general) == 2


def test_a_tombstone_cannot_be_edited_back_to_life(api, bob, general):
    say(api, bob, general, "gone")
    remove(api, bob, general, 1)
    response = edit(api, bob, general, 1, "back")
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "message_deleted")
    assert history(api, bob, general)[0]["body"] == ""


def test_a_system_message_can_be_neither_edited_nor_deleted_even_by_the_owner(api, alice, general):
    api.as_(alice).call("PATCH", f"/rooms/{general}", json={"topic": "Announcements only"})
    for response in (edit(api, alice, general, 1, "forged"), remove(api, alice, general, 1)):
        assert (response.status_code, response.get_json()["error"]["code"]) == (409, "not_a_message")
    [system] = history(api, alice, general)
    assert (system["kind"], system["deleted"], system["event"]["topic"]) == ("system", False, "Announcements only")


@pytest.mark.parametrize("kwargs, status, code", [
    ({"json": {"body": ""}}, 400, "too_short"),
    ({"json": {"body": "   "}}, 400, "too_short"),
    ({"json": {"body": "x" * 4001}}, 400, "too_long"),
    ({"json": {"body": "a\u0000b"}}, 400, "invalid_characters"),
    ({"json": {"body": 42}}, 400, "invalid_field"),
    ({"json": {"body": ["hi"]}}, 400, "invalid_field"),
    ({"json": {"body": None}}, 400, "missing_field"),
    ({"json": {}}, 400, "missing_field"),
    ({"json": None}, 400, "missing_field"),
    ({"json": ["hello"]}, 400, "invalid_json"),
    ({"json": "hello"}, 400, "invalid_json"),
    ({"data": '{"body": "hi"', "content_type": "application/json"}, 400, "invalid_json"),
    ({"data": b'{"body": "\xff"}', "content_type": "application/json"}, 400, "invalid_json"),
    ({"data": '{"body": "\\ud800"}', "content_type": "application/json"}, 400, "invalid_characters"),
    ({"data": "[" * 100000, "content_type": "application/json"}, 400, "invalid_json"),
    ({"data": "body=hi", "content_type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"),
    ({"data": "x" * 200_000, "content_type": "application/json"}, 413, "payload_too_large"),
])
def test_a_bad_edit_gets_a_clear_4xx_in_json_and_changes_nothing(api, alice, general, kwargs, status, code):
    say(api, alice, general, "before")
    response = edit(api, alice, general, 1, **kwargs)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert [m["body"] for m in history(api, alice, general)] == ["before"]
    assert last_seq(api, alice, general) == 1
    assert versions(api, alice, general, 1).get_json()["versions"] == []


@pytest.mark.parametrize("path", ["/messages/0", "/messages/x", "/messages/99999999999", "/messages/-1"])
def test_a_malformed_message_address_is_a_json_404_not_a_500(api, alice, general, path):
    for method in ("PATCH", "DELETE"):
        response = api.as_(alice).call(method, f"/rooms/{general}{path}", json={"body": "x"})
        assert response.status_code == 404
        assert response.get_json()["error"]["code"]
