"""Room pages (chat/pages/rooms.py): the directory, creating, joining, inviting and leaving rooms."""
import re

import pytest
from sqlalchemy import func, select

from chat.extensions import db
from chat.models import Membership, Room
from tests.conftest import csrf_token, field_errors, logged_in, main_of, make_room, post_message


def directory(client):
    """(names under "Your rooms", names under "Public rooms to join") on /rooms."""
    page = client.get("/rooms").get_data(as_text=True)
    mine, rest = page.split('<h2 id="public">')
    others = rest.split('<h2 id="new-room">')[0]
    names = re.compile(r'<a class="room-name" href="/rooms/\d+">([^<]*)</a>')
    return names.findall(mine), names.findall(others)


def membership(app, room_id, who):
    with app.app_context():
        found = Membership.of(room_id, who.id)
        return None if found is None else found.role


def room_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Room))


def test_the_directory_lists_my_rooms_and_public_rooms_to_join(app, alice, bob, mallory, general, secret):
    make_room(app, mallory, "random")
    assert directory(logged_in(app, alice)) == (["general", "secret"], ["random"])
    assert directory(logged_in(app, bob)) == (["general"], ["random"])


def test_the_directory_never_shows_someone_elses_private_room(app, alice, bob, mallory, general, secret):
    make_room(app, bob, "bobs-den", private=True)
    client = logged_in(app, mallory)
    page = client.get("/rooms").get_data(as_text=True)
    assert directory(client) == ([], ["general"])
    assert ">secret<" not in page and ">bobs-den<" not in page
    assert f"/rooms/{secret}" not in page
    assert directory(logged_in(app, alice)) == (["general", "secret"], [])


def test_the_directory_marks_private_rooms_and_rooms_i_own(app, alice, general, secret):
    page = logged_in(app, alice).get("/rooms").get_data(as_text=True)
    entry = re.search(rf'href="/rooms/{secret}">secret</a>(.*?)</li>', page, re.S).group(1)
    assert '<span class="badge">private</span>' in entry
    assert '<span class="badge">owner</span>' in entry


@pytest.mark.parametrize("private, checked", [(False, None), (True, "y")])
def test_creating_a_room_through_the_form_redirects_to_it(app, alice, private, checked):
    client = logged_in(app, alice)
    data = {"name": "design", "topic": "Pixels", "csrf_token": csrf_token(client, "/rooms")}
    if checked:
        data["private"] = checked
    response = client.post("/rooms", data=data)
    assert response.status_code == 302
    room_id = int(re.fullmatch(r"/rooms/(\d+)", response.location).group(1))
    with app.app_context():
        room = db.session.get(Room, room_id)
        assert (room.name, room.topic, room.private) == ("design", "Pixels", private)
    assert membership(app, room_id, alice) == "owner"
    page = client.get(response.location).get_data(as_text=True)
    assert '<h1 id="room-name"><span class="room-title">design' in page
    assert ('<span class="badge">private</span>' in page) is private
    assert directory(client) == (["design"], [])


def test_room_names_and_topics_are_shown_escaped(app, alice):
    client = logged_in(app, alice)
    response = client.post("/rooms", data={"name": "<b>bold</b>", "topic": "<i>x</i>",
                                           "csrf_token": csrf_token(client, "/rooms")})
    for page in (client.get(response.location), client.get("/rooms")):
        html = page.get_data(as_text=True)
        assert "<b>bold</b>" not in html and "<i>x</i>" not in html
        assert "&lt;b&gt;bold&lt;/b&gt;" in html


@pytest.mark.parametrize("name, error", [
    ("", "Room name cannot be empty."),
    ("   ", "Room name cannot be empty."),
    ("x" * 81, "Room name must be at most 80 characters."),
    ("new\x07bell", "Room name contains a control character that is not allowed."),
])
def test_a_room_name_outside_the_rules_shows_a_form_error(app, alice, name, error):
    client = logged_in(app, alice)
    response = client.post("/rooms", data={"name": name, "csrf_token": csrf_token(client, "/rooms")})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert field_errors(page, "name") == [error]
    assert '<form method="post" action="/rooms"' in page
    assert room_count(app) == 0


def test_joining_a_public_room_with_the_join_button(app, alice, mallory, general):
    client = logged_in(app, mallory)
    page = client.get("/rooms").get_data(as_text=True)
    form = re.search(rf'<form method="post" action="/rooms/{general}/join".*?</form>', page, re.S).group(0)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = client.post(f"/rooms/{general}/join", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.location == f"/rooms/{general}"
    assert membership(app, general, mallory) == "member"
    room = client.get(response.location).get_data(as_text=True)
    assert f'action="/rooms/{general}/messages"' in room
    assert directory(client) == (["general"], [])


def test_joining_twice_keeps_one_membership(app, alice, bob, general):
    client = logged_in(app, bob)
    response = client.post(f"/rooms/{general}/join", data={"csrf_token": csrf_token(client, "/rooms")})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Membership)
                                 .where(Membership.room_id == general)) == 2


def test_a_private_room_i_am_not_in_is_the_same_404_as_a_room_that_does_not_exist(
        app, alice, mallory, general, secret):
    client = logged_in(app, mallory)
    hidden, missing = client.get(f"/rooms/{secret}"), client.get(f"/rooms/{secret + 1000}")
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert main_of(hidden) == main_of(missing)
    assert ">secret<" not in hidden.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/rooms/99999999999", "/rooms/0", "/rooms/-1", "/rooms/abc"])
def test_a_room_id_that_cannot_exist_is_a_404_page(app, mallory, path):
    response = logged_in(app, mallory).get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Error 404" in response.get_data(as_text=True)


@pytest.mark.parametrize("action", ["join", "leave", "invite"])
def test_acting_on_a_private_room_i_am_not_in_is_a_404(app, alice, mallory, secret, action):
    client = logged_in(app, mallory)
    data = {"username": "mallory", "csrf_token": csrf_token(client, "/rooms")}
    assert client.post(f"/rooms/{secret}/{action}", data=data).status_code == 404
    assert membership(app, secret, mallory) is None


@pytest.mark.parametrize("name", ["bob", "BOB", "Bob", "ｂｏｂ"])
def test_inviting_by_username_ignores_case_and_adds_the_member(app, alice, bob, secret, name):
    client = logged_in(app, alice)
    token = csrf_token(client, f"/rooms/{secret}")
    response = client.post(f"/rooms/{secret}/invite", data={"username": name, "csrf_token": token})
    assert response.status_code == 302
    assert response.location == f"/rooms/{secret}"
    assert membership(app, secret, bob) == "member"
    page = client.get(response.location).get_data(as_text=True)
    assert "bob is now a member." in page
    members = re.search(r'<ul class="members"[^>]*>(.*?)</ul>', page, re.S).group(1)
    assert "bob" in members
    assert logged_in(app, bob).get(f"/rooms/{secret}").status_code == 200


def test_inviting_someone_already_in_the_room_says_so(app, alice, bob, general):
    client = logged_in(app, alice)
    token = csrf_token(client, f"/rooms/{general}")
    response = client.post(f"/rooms/{general}/invite", data={"username": "bob", "csrf_token": token})
    assert response.status_code == 302
    assert "bob was already a member." in client.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize("name, error", [
    ("nobody", "There is no user with that name."),
    ("", "There is no user with that name."),
])
def test_inviting_an_unknown_name_shows_an_error(app, alice, secret, name, error):
    client = logged_in(app, alice)
    token = csrf_token(client, f"/rooms/{secret}")
    response = client.post(f"/rooms/{secret}/invite", data={"username": name, "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert field_errors(page, "username") == [error]
    with app.app_context():
        assert len(db.session.get(Room, secret).members()) == 1


def test_leaving_a_room_removes_you(app, alice, bob, general):
    client = logged_in(app, bob)
    response = client.post(f"/rooms/{general}/leave", data={"csrf_token": csrf_token(client, "/rooms")})
    assert response.status_code == 302
    assert response.location == "/rooms"
    assert membership(app, general, bob) is None
    assert "You left general." in client.get("/rooms").get_data(as_text=True)
    assert directory(client) == ([], ["general"])


def test_leaving_a_private_room_makes_it_a_404(app, alice, secret):
    client = logged_in(app, alice)
    client.post(f"/rooms/{secret}/leave", data={"csrf_token": csrf_token(client, "/rooms")})
    assert membership(app, secret, alice) is None
    assert client.get(f"/rooms/{secret}").status_code == 404


def test_leaving_a_public_room_i_never_joined_is_refused(app, alice, mallory, general):
    client = logged_in(app, mallory)
    response = client.post(f"/rooms/{general}/leave", data={"csrf_token": csrf_token(client, "/rooms")})
    assert response.status_code == 403


@pytest.mark.parametrize("path, login", [
    ("/rooms", "/login?next=/rooms"),
    ("/", "/login?next=/"),
    ("/rooms/1", "/login?next=/rooms/1"),
])
def test_anonymous_visitors_are_sent_to_log_in_and_back(client, path, login):
    response = client.get(path)
    assert response.status_code == 302
    assert response.location == login


@pytest.mark.parametrize("path", ["/rooms", "/rooms/1/join", "/rooms/1/leave", "/rooms/1/invite"])
def test_anonymous_posts_change_nothing(app, client, alice, general, path):
    response = client.post(path, data={"name": "sneaky", "username": "mallory",
                                       "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    assert room_count(app) == 1
