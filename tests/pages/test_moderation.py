"""The owner's forms on the room page, and starting a DM from a page: no JavaScript needed."""
import pytest

from chat.extensions import db
from chat.models import Ban, Membership, Room
from tests.conftest import csrf_token, logged_in


def page_post(client, path, data, page):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page)})


def test_the_owner_renames_the_room_and_the_room_shows_who_did(app, alice, bob, general):
    client = logged_in(app, alice)
    response = page_post(client, f"/rooms/{general}/settings",
                         {"settings-name": "lobby", "settings-topic": "Say hi"}, f"/rooms/{general}")
    assert (response.status_code, response.location) == (302, f"/rooms/{general}")
    page = logged_in(app, bob).get(f"/rooms/{general}").get_data(as_text=True)
    assert '<span class="room-title">lobby</span>' in page
    assert "alice renamed the room to \u201clobby\u201d" in page
    assert "alice changed the topic to \u201cSay hi\u201d" in page


@pytest.mark.parametrize("name, error", [
    ("", "Room name cannot be empty."),
    ("x" * 81, "Room name must be at most 80 characters."),
    ("bell\x07", "Room name contains a control character that is not allowed."),
])
def test_a_bad_name_shows_the_settings_form_again_with_the_error_and_changes_nothing(
        app, alice, general, name, error):
    client = logged_in(app, alice)
    response = page_post(client, f"/rooms/{general}/settings", {"settings-name": name, "settings-topic": ""},
                         f"/rooms/{general}")
    assert response.status_code == 400
    assert error in response.get_data(as_text=True)
    with app.app_context():
        room = db.session.get(Room, general)
        assert (room.name, room.last_seq) == ("general", 0)


def test_a_member_who_is_not_the_owner_sees_no_owner_forms_and_cannot_post_them(app, bob, general):
    client = logged_in(app, bob)
    page = client.get(f"/rooms/{general}").get_data(as_text=True)
    assert "Room settings" not in page and "/members/alice/" not in page
    response = page_post(client, f"/rooms/{general}/settings", {"settings-name": "mine"}, f"/rooms/{general}")
    assert response.status_code == 403
    assert "Only the room&#39;s owner can do that." in response.get_data(as_text=True)


@pytest.mark.parametrize("action", ["remove", "ban"])
def test_the_owner_removes_or_bans_a_member_from_the_members_list(app, alice, bob, general, action):
    client = logged_in(app, alice)
    assert f">{action.title()} bob</button>" in client.get(f"/rooms/{general}").get_data(as_text=True)
    response = page_post(client, f"/rooms/{general}/members/bob/{action}", {}, f"/rooms/{general}")
    assert (response.status_code, response.location) == (302, f"/rooms/{general}")
    page = client.get(response.location).get_data(as_text=True)
    assert f"bob was {'removed' if action == 'remove' else 'banned'}." in page
    assert f"alice {'removed' if action == 'remove' else 'banned'} bob" in page
    with app.app_context():
        assert Membership.of(general, bob.id) is None
        assert (Ban.of(general, bob.id) is not None) == (action == "ban")


def test_a_banned_member_who_tries_to_join_again_is_told_why(app, alice, bob, general):
    page_post(logged_in(app, alice), f"/rooms/{general}/members/bob/ban", {}, f"/rooms/{general}")
    client = logged_in(app, bob)
    response = page_post(client, f"/rooms/{general}/join", {}, "/rooms")
    assert response.status_code == 403
    assert "You are banned from this room." in response.get_data(as_text=True)


def test_message_next_to_a_member_opens_the_dm_named_after_them(app, alice, bob, general):
    client = logged_in(app, alice)
    assert 'aria-label="Message bob"' in client.get(f"/rooms/{general}").get_data(as_text=True)
    response = page_post(client, "/dms", {"username": "bob"}, f"/rooms/{general}")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert '<h1 id="room-name">bob <span class="badge">direct message</span></h1>' in page
    again = page_post(logged_in(app, bob), "/dms", {"username": "alice"}, "/rooms")
    assert again.location == response.location


@pytest.mark.parametrize("username, error", [
    ("nobody", "There is no user with that name."),
    ("alice", "A direct message needs someone else."),
    ("", "There is no user with that name."),
])
def test_the_directorys_dm_form_says_what_is_wrong(app, alice, username, error):
    client = logged_in(app, alice)
    response = page_post(client, "/dms", {"username": username}, "/rooms")
    assert response.status_code == 400
    assert error in response.get_data(as_text=True)
