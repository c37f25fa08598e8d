"""SIGNUP=open|invite|closed on the sign-up page and POST /api/v1/users, what the
first sign-ups are told, and where a login lands."""
import re

import pytest

from chat.extensions import db
from chat.models import Invite, Room, User
from tests.conftest import PASSWORD, Api, Auth, csrf_token, logged_in


def sign_up(client, username):
    return client.post("/signup", data={"username": username, "password": PASSWORD,
                                        "csrf_token": csrf_token(client, "/signup")})


def flashes(page):
    found = re.search(r'<div class="flashes" role="status">(.*?)</div>', page, re.S)
    return re.findall(r"<p>(.*?)</p>", found.group(1)) if found else []


def invite_token(app, room_id, owner_id):
    with app.app_context():
        return Invite.make(db.session.get(Room, room_id), db.session.get(User, owner_id)).token


def test_the_first_sign_up_is_told_it_is_the_admin_and_lands_on_the_rooms_page_with_general(app):
    client = app.test_client()
    response = sign_up(client, "ann")
    assert (response.status_code, response.location) == (302, "/rooms")
    page = client.get("/rooms").get_data(as_text=True)
    assert flashes(page) == ["You are the first account, so you are this site&#39;s admin; we made #general "
                             "for everyone, and every new account joins it."]
    assert ">general</a>" in page


def test_the_next_sign_up_is_told_it_joined_general(app):
    sign_up(app.test_client(), "ann")
    client = app.test_client()
    sign_up(client, "ben")
    assert flashes(client.get("/rooms").get_data(as_text=True)) == ["You joined #general."]


@pytest.mark.parametrize("policy, says", [("invite", "through invite links"), ("closed", "not taking new accounts")])
def test_a_closed_or_invite_only_site_shows_no_sign_up_form_and_refuses_the_post(make_app, policy, says):
    app = make_app(SIGNUP=policy)
    client = app.test_client()
    page = client.get("/signup").get_data(as_text=True)
    assert says in page and 'action="/signup"' not in page
    assert "Create an account" not in client.get("/login").get_data(as_text=True)
    assert sign_up(client, "ann").status_code == 403
    with app.app_context():
        assert User.named("ann") is None


@pytest.mark.parametrize("policy, with_invite, status, code", [
    ("open", False, 201, None),
    ("open", True, 201, None),
    ("invite", False, 403, "invite_required"),
    ("invite", True, 201, None),
    ("closed", False, 403, "signup_closed"),
    ("closed", True, 403, "signup_closed"),
])
def test_the_api_signs_up_as_the_policy_says(make_app, alice, secret, policy, with_invite, status, code):
    app = make_app(SIGNUP=policy)
    body = {"username": "ann", "password": PASSWORD}
    if with_invite:
        body["invite"] = invite_token(app, secret, alice.id)
    response = Api(app.test_client()).post("/users", json=body)
    assert response.status_code == status, response.get_json()
    if code:
        assert response.get_json()["error"]["code"] == code
    else:
        assert response.get_json()["joined"] == ([secret] if with_invite else [])


def test_the_api_tells_the_first_account_it_is_admin_and_in_general(app):
    body = Api(app.test_client()).post("/users", json={"username": "ann", "password": PASSWORD}).get_json()
    with app.app_context():
        general = db.session.scalar(db.select(Room.id).where(Room.name == "general"))
    assert (body["is_admin"], body["joined"]) == (True, [general])


def test_a_login_lands_in_the_room_last_opened(app, alice, general):
    client = logged_in(app, alice)
    client.get(f"/rooms/{general}")
    Auth(client).logout()
    response = Auth(client).login("alice")
    assert response.location == "/"
    assert client.get("/").location == f"/rooms/{general}"


def test_an_explicit_next_still_wins_over_the_last_room(app, alice, general):
    client = logged_in(app, alice)
    client.get(f"/rooms/{general}")
    Auth(client).logout()
    assert Auth(client).login("alice", next="/search?q=x").location == "/search?q=x"


def test_a_room_left_since_is_no_landing_and_a_previewed_one_is_never_remembered(app, alice, bob, general):
    client = logged_in(app, bob)
    client.get(f"/rooms/{general}")
    client.post(f"/rooms/{general}/leave", data={"csrf_token": csrf_token(client, "/rooms")})
    assert client.get("/").location == "/rooms"
    client.get(f"/rooms/{general}")  # a preview now: bob is not a member
    with app.app_context():
        assert db.session.get(User, bob.id).last_room_id == general  # still the old value, not rewritten
    assert client.get("/").location == "/rooms"


def test_a_site_with_an_unknown_policy_refuses_to_start(make_app):
    with pytest.raises(RuntimeError, match="SIGNUP must be one of open, invite, closed"):
        make_app(SIGNUP="sometimes")
