"""Invite links in the browser's pages: made from the room page by its moderator,
opened by someone new (who signs up into the room) or someone with an account
(who joins it, private or not); a bad link is a page that says why."""
import re
from datetime import timedelta

import pytest

from chat.extensions import db
from chat.models import Invite, Membership, User
from chat.models.types import utcnow
from tests.conftest import PASSWORD, csrf_token, logged_in, main_of, make_room


def make_link(client, room_id, hours=168, uses=25):
    """Make a link through the room page's form; the response (a redirect to the link's page)."""
    return client.post(f"/rooms/{room_id}/invites", data={
        "invite-link-hours": hours, "invite-link-max_uses": uses,
        "invite-link-csrf_token": csrf_token(client, f"/rooms/{room_id}")})


def token_of(response):
    return re.fullmatch(r"/invites/(.+)", response.location).group(1)


def sign_up_through(client, token, username):
    return client.post(f"/invites/{token}/signup", data={
        "username": username, "password": PASSWORD, "csrf_token": csrf_token(client, f"/invites/{token}")})


@pytest.fixture
def link(app, alice, secret):
    """A link into alice's private room for one person, made from its page; its token."""
    response = make_link(logged_in(app, alice), secret, uses=1)
    assert response.status_code == 302
    return token_of(response)


def test_the_owner_sees_the_invite_link_form_and_a_member_does_not(app, alice, bob, general):
    form = f'action="/rooms/{general}/invites"'
    assert form in logged_in(app, alice).get(f"/rooms/{general}").get_data(as_text=True)
    assert form not in logged_in(app, bob).get(f"/rooms/{general}").get_data(as_text=True)
    assert make_link(logged_in(app, bob), general).status_code == 403


def test_making_a_link_opens_its_page_with_the_link_to_copy(app, alice, secret, link):
    page = main_of(logged_in(app, alice).get(f"/invites/{link}"))
    assert f'value="http://localhost/invites/{link}" readonly' in page
    assert "for 1 more person" in page


def test_a_new_person_signs_up_through_the_link_and_lands_in_the_private_room(make_app, link, secret):
    app = make_app(SIGNUP="invite")
    client = app.test_client()
    page = client.get(f"/invites/{link}").get_data(as_text=True)
    assert "alice invites you to" in page and "Sign up and join secret" in page
    response = sign_up_through(client, link, "ann")
    assert (response.status_code, response.location) == (302, f"/rooms/{secret}")
    assert "You joined secret." in client.get(f"/rooms/{secret}").get_data(as_text=True)


def test_someone_with_an_account_joins_the_private_room_through_the_link(app, bob, link, secret):
    client = logged_in(app, bob)
    assert client.get(f"/rooms/{secret}").status_code == 404
    assert "Join secret" in client.get(f"/invites/{link}").get_data(as_text=True)
    response = client.post(f"/invites/{link}/join", data={"csrf_token": csrf_token(client, f"/invites/{link}")})
    assert (response.status_code, response.location) == (302, f"/rooms/{secret}")
    assert client.get(f"/rooms/{secret}").status_code == 200


def test_joining_needs_a_login(app, link):
    client = app.test_client()
    response = client.post(f"/invites/{link}/join", data={"csrf_token": csrf_token(client, f"/invites/{link}")})
    assert response.status_code == 302 and response.location.startswith("/login?next=")


def test_on_a_closed_site_the_link_makes_no_account_but_still_lets_a_member_in(make_app, bob, link, secret):
    app = make_app(SIGNUP="closed")
    client = app.test_client()
    page = client.get(f"/invites/{link}").get_data(as_text=True)
    assert "not taking new accounts" in page and f'action="/invites/{link}/signup"' not in page
    assert sign_up_through(client, link, "ann").status_code == 403
    with app.app_context():
        assert User.named("ann") is None
    bob_client = logged_in(app, bob)
    bob_client.post(f"/invites/{link}/join", data={"csrf_token": csrf_token(bob_client, f"/invites/{link}")})
    with app.app_context():
        assert Membership.of(secret, bob.id) is not None


def test_a_link_lets_in_only_as_many_as_it_says(app, link):
    assert sign_up_through(app.test_client(), link, "ann").status_code == 302
    client = app.test_client()
    assert "used as many times as it allows" in client.get(f"/invites/{link}").get_data(as_text=True)
    assert sign_up_through(client, link, "cat").status_code == 410
    with app.app_context():
        assert User.named("cat") is None


def spoil(app, token, **changes):
    with app.app_context():
        invite = Invite.from_token(token)
        for name, value in changes.items():
            setattr(invite, name, value)
        db.session.commit()


@pytest.mark.parametrize("changes, status, says", [
    ({"expires_at": utcnow() - timedelta(minutes=1)}, 410, "This invite link has expired."),
    ({"revoked_at": utcnow()}, 410, "This invite link was withdrawn."),
    ({"uses": 1}, 410, "used as many times as it allows"),
])
def test_a_spent_link_is_a_page_that_says_why(app, link, changes, status, says):
    spoil(app, link, **changes)
    for response in (app.test_client().get(f"/invites/{link}"), sign_up_through(app.test_client(), link, "ann")):
        assert response.status_code == status and says in response.get_data(as_text=True)


@pytest.mark.parametrize("token", ["forged", "MQ.AAAAAAAAAAAAAAAAAAAAAAAAAAA", "%00", "x" * 500])
def test_a_forged_link_is_a_404_page(app, link, token):
    response = app.test_client().get(f"/invites/{token}")
    assert response.status_code == 404 and "This invite link is not valid." in response.get_data(as_text=True)


def test_a_moderator_of_one_room_cannot_make_a_link_into_another(app, alice, bob, secret, general):
    mine = logged_in(app, bob)
    assert make_link(mine, secret).status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Invite)) == 0


def test_a_link_lands_in_its_own_room_only(app, alice, link, secret):
    design = make_room(app, alice, "design")
    assert sign_up_through(app.test_client(), link, "ann").location == f"/rooms/{secret}"
    with app.app_context():
        ann = User.named("ann")
        assert Membership.of(secret, ann.id) is not None and Membership.of(design, ann.id) is None


def test_bad_link_limits_are_refused(app, alice, general):
    assert make_link(logged_in(app, alice), general, hours=99999).status_code == 400
