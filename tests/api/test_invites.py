"""POST /api/v1/rooms/{room_id}/invites, and signing up through the link with POST /users."""
from datetime import timedelta

import pytest

from chat.extensions import db
from chat.models import Invite
from chat.models.types import utcnow
from tests.api.conftest import response_validator
from tests.conftest import PASSWORD

PATH = "/rooms/{room_id}/invites"


def make(api, who, room, **limits):
    return api.as_(who).post(f"/rooms/{room}/invites", json=limits)


def matches_the_schema(response, path, method="post"):
    validator = response_validator(path, method, response.status_code)
    if validator is not None:
        validator.validate(response.get_json())
    return True


def test_the_owner_makes_a_link_with_its_limits(api, alice, secret):
    response = make(api, alice, secret, expires_in_hours=2, max_uses=3)
    assert response.status_code == 201 and matches_the_schema(response, PATH)
    invite = response.get_json()["invite"]
    assert (invite["room_id"], invite["max_uses"], invite["uses"], invite["created_by"]) == (secret, 3, 0, "alice")
    assert invite["url"] == f"http://localhost/invites/{invite['token']}"


def test_a_link_without_limits_gets_the_configured_ones(app, api, alice, general):
    invite = make(api, alice, general).get_json()["invite"]
    assert invite["max_uses"] == app.config["INVITE_MAX_USES"] == 25


def test_a_site_admin_makes_a_link_into_a_room_they_are_not_in(api, runner, alice, mallory, secret):
    assert runner.invoke(args=["users", "admin", "mallory"]).exit_code == 0
    assert make(api, mallory, secret).status_code == 201


@pytest.mark.parametrize("who, room, status, code", [
    ("bob", "general", 403, "owner_only"),
    ("mallory", "secret", 404, "room_not_found"),
])
def test_only_the_rooms_moderators_make_links(request, api, general, secret, who, room, status, code):
    response = make(api, request.getfixturevalue(who), {"general": general, "secret": secret}[room])
    assert (response.status_code, response.get_json()["error"]["code"]) == (status, code)
    assert matches_the_schema(response, PATH)


@pytest.mark.parametrize("limits, field", [
    ({"max_uses": 0}, "max_uses"), ({"max_uses": 1001}, "max_uses"), ({"max_uses": "5"}, "max_uses"),
    ({"max_uses": True}, "max_uses"), ({"expires_in_hours": 0}, "expires_in_hours"),
    ({"expires_in_hours": 721}, "expires_in_hours"), ({"expires_in_hours": 1.5}, "expires_in_hours"),
])
def test_bad_limits_are_a_400_naming_the_field(api, alice, general, limits, field):
    response = make(api, alice, general, **limits)
    assert (response.status_code, response.get_json()["error"]["field"]) == (400, field)
    assert matches_the_schema(response, PATH)


def test_a_direct_message_has_no_invite_links_even_from_a_site_admin_in_it(api, runner, alice, bob):
    dm = api.as_(alice).post("/dms", json={"username": "bob"}).get_json()["id"]
    assert (make(api, alice, dm).status_code, make(api, alice, dm).get_json()["error"]["code"]) == (403, "owner_only")
    runner.invoke(args=["users", "admin", "alice"])
    response = make(api, alice, dm)
    assert (response.status_code, response.get_json()["error"]["code"]) == (403, "direct_message")


def sign_up(api, name, token):
    return api.post("/users", json={"username": name, "password": PASSWORD, "invite": token})


def test_signing_up_with_the_token_joins_the_private_room(api, alice, secret):
    token = make(api, alice, secret, max_uses=1).get_json()["invite"]["token"]
    response = sign_up(api, "ann", token)
    assert response.status_code == 201 and matches_the_schema(response, "/users")
    assert secret in response.get_json()["joined"]
    rooms = api.get("/rooms", headers={"Authorization": f"Bearer {response.get_json()['token']}"}).get_json()
    assert [room["id"] for room in rooms["rooms"] if room["member"]] == [secret]
    used_up = sign_up(api, "ben", token)
    assert (used_up.status_code, used_up.get_json()["error"]["code"]) == (410, "invite_used_up")
    assert matches_the_schema(used_up, "/users")


@pytest.mark.parametrize("spoil, status, code", [
    ({"expires_at": utcnow() - timedelta(seconds=1)}, 410, "invite_expired"),
    ({"revoked_at": utcnow()}, 410, "invite_revoked"),
])
def test_signing_up_with_a_spent_token_is_refused_and_makes_no_account(app, api, alice, secret, spoil, status, code):
    token = make(api, alice, secret).get_json()["invite"]["token"]
    with app.app_context():
        invite = Invite.from_token(token)
        for name, value in spoil.items():
            setattr(invite, name, value)
        db.session.commit()
    response = sign_up(api, "ann", token)
    assert (response.status_code, response.get_json()["error"]["code"]) == (status, code)
    assert matches_the_schema(response, "/users")
    assert api.post("/tokens", json={"username": "ann", "password": PASSWORD}).status_code == 401


@pytest.mark.parametrize("token", ["forged", "MQ.AAAA", 5])
def test_signing_up_with_a_forged_token_is_refused(api, alice, token):
    response = sign_up(api, "ann", token)
    assert (response.status_code, response.get_json()["error"]["code"]) == (
        (400, "invalid_field") if token == 5 else (404, "invite_not_found"))
    assert matches_the_schema(response, "/users")


def test_the_owner_withdraws_a_link_and_it_lets_nobody_else_in(api, alice, bob, secret, general):
    invite = make(api, alice, secret).get_json()["invite"]
    path = f"/rooms/{secret}/invites/{invite['id']}"
    assert api.as_(bob).delete(f"/rooms/{general}/invites/{invite['id']}").status_code == 403
    assert api.as_(alice).delete(f"/rooms/{general}/invites/{invite['id']}").status_code == 404  # not general's
    response = api.as_(alice).delete(path)
    assert response.status_code == 204 and matches_the_schema(response, "/rooms/{room_id}/invites/{invite_id}", "delete")
    refused = sign_up(api, "ann", invite["token"])
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (410, "invite_revoked")
