"""Direct messages: one private room per pair, for those two people only."""
import threading

import pytest

from tests import smoke, sse
from tests.conftest import say


def open_dm(api, who, username):
    return api.as_(who).post("/dms", json={"username": username})


@pytest.fixture
def dm(api, alice, bob):
    """The id of alice and bob's direct message room."""
    response = open_dm(api, alice, "bob")
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def refusal(response):
    return response.status_code, response.get_json()["error"]["code"]


def test_opening_a_dm_makes_a_private_direct_room_named_after_the_partner(api, alice, bob):
    response = open_dm(api, alice, "bob")
    assert response.status_code == 201
    room = response.get_json()
    assert {k: room[k] for k in ("name", "private", "direct", "member", "partner", "last_seq")} == {
        "name": "bob", "private": True, "direct": True, "member": True,
        "partner": {"id": bob.id, "username": "bob"}, "last_seq": 0}
    seen_by_bob = api.as_(bob).get(f"/rooms/{room['id']}").get_json()
    assert (seen_by_bob["name"], seen_by_bob["partner"]["username"]) == ("alice", "alice")
    assert [m["user"]["username"] for m in seen_by_bob["members"]] == ["alice", "bob"]


def test_opening_it_again_from_either_side_is_the_same_room_with_a_200(api, alice, bob, dm):
    for who, username in ((alice, "bob"), (bob, "alice"), (bob, "ALICE")):
        response = open_dm(api, who, username)
        assert (response.status_code, response.get_json()["id"]) == (200, dm)
    dms = [r for r in api.as_(bob).get("/rooms").get_json()["rooms"] if r["direct"]]
    assert [(r["id"], r["name"]) for r in dms] == [(dm, "alice")]


@pytest.mark.parametrize("payload, status, code", [
    ({"username": "nobody"}, 404, "user_not_found"),
    ({"username": "mallory"}, 404, "user_not_found"),  # deactivated
    ({"username": "alice"}, 400, "direct_to_self"),
    ({"username": "Alice"}, 400, "direct_to_self"),
    ({}, 400, "missing_field"),
    ({"username": 5}, 400, "invalid_field"),
])
def test_a_dm_needs_someone_else_who_exists_and_is_active(api, runner, alice, mallory, payload, status, code):
    assert runner.invoke(args=["users", "deactivate", "mallory"]).exit_code == 0
    response = api.as_(alice).post("/dms", json=payload)
    assert refusal(response) == (status, code)
    assert api.as_(alice).get("/rooms").get_json()["rooms"] == []


def test_both_peoples_open_streams_hear_the_new_dm_and_then_its_messages(serve, app, api, alice, bob):
    _, base = serve(app)
    streams = {who.username: sse.Stream(base, who.token) for who in (alice, bob)}
    dm = open_dm(api, alice, "bob").get_json()["id"]
    for name, partner in (("alice", "bob"), ("bob", "alice")):
        joined = streams[name].take(1, kind="join")[0]["data"]
        assert (joined["room_id"], joined["room"]["direct"], joined["room"]["name"]) == (dm, True, partner)
    say(api, alice, dm, "just between us")
    for stream in streams.values():
        assert stream.take(1, kind="message")[0]["data"]["body"] == "just between us"
        stream.close()


def test_a_third_person_can_neither_see_nor_join_a_dm(api, mallory, dm):
    for response in (api.as_(mallory).get(f"/rooms/{dm}"), api.as_(mallory).get(f"/rooms/{dm}/messages"),
                     api.as_(mallory).post(f"/rooms/{dm}/members", json={}),
                     api.as_(mallory).post(f"/rooms/{dm}/messages", json={"body": "hi both"})):
        assert refusal(response) == (404, "room_not_found")
    assert all(not r["direct"] for r in api.as_(mallory).get("/rooms").get_json()["rooms"])


def test_a_site_admin_cannot_join_a_dm_either(api, runner, mallory, dm):
    runner.invoke(args=["users", "admin", "mallory"])
    assert refusal(api.as_(mallory).post(f"/rooms/{dm}/members", json={})) == (404, "room_not_found")


@pytest.mark.parametrize("change", [
    ("POST", "/members", {"username": "mallory"}),
    ("DELETE", "/members/me", None),
])
def test_its_two_people_can_neither_invite_anyone_nor_leave(api, alice, bob, mallory, dm, change):
    method, path, payload = change
    for who in (alice, bob):
        assert refusal(api.as_(who).call(method, f"/rooms/{dm}{path}", json=payload)) == (403, "direct_message")
    assert [m["user"]["username"] for m in api.as_(alice).get(f"/rooms/{dm}").get_json()["members"]] == \
        ["alice", "bob"]


def test_a_dm_has_no_owner_so_its_people_cannot_rename_it(api, alice, bob, dm):
    for who in (alice, bob):
        response = api.as_(who).call("PATCH", f"/rooms/{dm}", json={"name": "our room", "topic": "us"})
        assert refusal(response) == (403, "owner_only")
    assert api.as_(alice).get(f"/rooms/{dm}").get_json()["last_seq"] == 0


@pytest.mark.parametrize("change", [
    ("PATCH", "", {"name": "renamed"}),
    ("PATCH", "", {"topic": "a topic"}),
    ("DELETE", "/members/bob", None),
    ("POST", "/bans", {"username": "bob"}),
])
def test_not_even_a_site_admin_can_find_a_dm_to_rename_it_or_remove_its_people(api, runner, alice, mallory, dm, change):
    runner.invoke(args=["users", "admin", "mallory"])
    method, path, payload = change
    assert refusal(api.as_(mallory).call(method, f"/rooms/{dm}{path}", json=payload)) == (404, "room_not_found")
    room = api.as_(alice).get(f"/rooms/{dm}").get_json()
    assert (room["name"], room["last_seq"], len(room["members"])) == ("bob", 0, 2)


def test_opening_the_same_dm_from_both_sides_at_once_makes_one_room(serve, app, alice, bob):
    _, base = serve(app)
    results = []

    def open_it(who, username):
        results.append(smoke.Client(base, who.token).call("POST", "/dms", {"username": username}))

    threads = [threading.Thread(target=open_it, args=pair) for pair in [(alice, "bob"), (bob, "alice")] * 5]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in results) == [200] * 9 + [201]
    assert len({room["id"] for _, room in results}) == 1


def test_a_site_admin_cannot_read_a_dm_through_a_messages_versions(api, runner, alice, mallory, dm):
    say(api, alice, dm, "between the two of us")
    runner.invoke(args=["users", "admin", "mallory"])
    assert api.as_(mallory).get(f"/rooms/{dm}/messages").status_code == 404
    response = api.as_(mallory).get(f"/rooms/{dm}/messages/1/versions")
    assert response.status_code in (403, 404)
    assert b"between the two of us" not in response.data
