import pytest


def test_the_room_list_has_public_rooms_and_only_my_private_ones(api, alice, mallory, general, secret):
    rooms = {r["name"]: r for r in api.as_(alice).get("/rooms").get_json()["rooms"]}
    assert set(rooms) == {"general", "secret"}
    assert rooms["secret"]["member"] is True and rooms["secret"]["private"] is True
    assert {"id", "name", "topic", "private", "member", "last_seq"} <= set(rooms["general"])
    rooms = api.as_(mallory).get("/rooms").get_json()["rooms"]
    assert [(r["name"], r["member"]) for r in rooms] == [("general", False)]


def test_creating_a_room_makes_me_its_owner(api, alice):
    response = api.as_(alice).post("/rooms", json={"name": "design", "topic": "Pixels", "private": True})
    assert response.status_code == 201
    room = response.get_json()
    assert (room["name"], room["topic"], room["private"], room["role"], room["last_seq"]) == \
        ("design", "Pixels", True, "owner", 0)


@pytest.mark.parametrize("payload, code", [
    ({}, "missing_field"),
    ({"name": ""}, "too_short"),
    ({"name": "x" * 81}, "too_long"),
    ({"name": 5}, "invalid_field"),
    ({"name": "ok", "private": "yes"}, "invalid_field"),
    ({"name": "ok", "topic": ["t"]}, "invalid_field"),
])
def test_creating_a_room_with_bad_fields_is_a_400(api, alice, payload, code):
    response = api.as_(alice).post("/rooms", json=payload)
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, code)
    assert api.as_(alice).get("/rooms").get_json()["rooms"] == []


def test_a_member_sees_the_member_list_and_a_visitor_does_not(api, alice, mallory, general):
    room = api.as_(alice).get(f"/rooms/{general}").get_json()
    assert [(m["user"]["username"], m["role"]) for m in room["members"]] == [("alice", "owner"), ("bob", "member")]
    room = api.as_(mallory).get(f"/rooms/{general}").get_json()
    assert room["member"] is False and "members" not in room


def test_a_private_room_is_a_404_to_outsiders_exactly_like_a_missing_one(api, mallory, secret):
    hidden = api.as_(mallory).get(f"/rooms/{secret}")
    missing = api.as_(mallory).get("/rooms/99999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()
    assert api.as_(mallory).get("/rooms/99999999999999").status_code == 404


def test_joining_a_public_room_is_201_then_200(api, mallory, general):
    first = api.as_(mallory).post(f"/rooms/{general}/members", json={})
    assert (first.status_code, first.get_json()["role"]) == (201, "member")
    assert api.as_(mallory).post(f"/rooms/{general}/members").status_code == 200


def test_joining_a_private_room_without_an_invite_is_a_404(api, mallory, secret):
    assert api.as_(mallory).post(f"/rooms/{secret}/members", json={}).status_code == 404


def test_a_member_invites_by_username_into_a_private_room(api, alice, bob, secret):
    response = api.as_(alice).post(f"/rooms/{secret}/members", json={"username": "BOB"})
    assert (response.status_code, response.get_json()["user"]["username"]) == (201, "bob")
    assert api.as_(bob).get(f"/rooms/{secret}").get_json()["member"] is True
    assert api.as_(alice).post(f"/rooms/{secret}/members", json={"username": "bob"}).status_code == 200


def test_inviting_an_unknown_name_is_a_404_saying_so(api, alice, secret):
    response = api.as_(alice).post(f"/rooms/{secret}/members", json={"username": "nobody"})
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "user_not_found")


def test_outsiders_cannot_invite(api, mallory, bob, general, secret):
    assert api.as_(mallory).post(f"/rooms/{secret}/members", json={"username": "mallory"}).status_code == 404
    response = api.as_(mallory).post(f"/rooms/{general}/members", json={"username": "mallory"})
    assert (response.status_code, response.get_json()["error"]["code"]) == (403, "not_a_member")


def test_leaving_a_room_ends_the_membership(api, bob, general):
    assert api.as_(bob).delete(f"/rooms/{general}/members/me").status_code == 204
    assert api.as_(bob).get(f"/rooms/{general}/messages").status_code == 403


def test_leaving_a_private_room_hides_it_again(api, alice, bob, secret):
    api.as_(alice).post(f"/rooms/{secret}/members", json={"username": "bob"})
    assert api.as_(bob).delete(f"/rooms/{secret}/members/me").status_code == 204
    assert api.as_(bob).get(f"/rooms/{secret}").status_code == 404
