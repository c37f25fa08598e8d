"""The room page shows joins, leaves, invites, removals and bans in its history,
each as the system line the live stream shows."""
import re

from tests.conftest import csrf_token, logged_in, person


def system_lines(page):
    """{seq: text} of the system lines in a room page's history."""
    return {int(seq): text for seq, text in re.findall(
        r'<li class="message system" id="m(\d+)".*?<div class="body">(.*?)</div>', page, re.S)}


def test_the_history_says_who_joined_left_was_added_removed_and_banned(app, api, alice, bob, mallory, general):
    carol = person(app, "carol")
    person(app, "dave")
    api.as_(mallory).post(f"/rooms/{general}/members", json={})
    api.as_(alice).post(f"/rooms/{general}/members", json={"username": "carol"})
    api.as_(carol).delete(f"/rooms/{general}/members/me")
    api.as_(alice).delete(f"/rooms/{general}/members/mallory")
    api.as_(alice).post(f"/rooms/{general}/members", json={"username": "dave"})
    api.as_(alice).post(f"/rooms/{general}/bans", json={"username": "dave"})
    page = logged_in(app, bob).get(f"/rooms/{general}").get_data(as_text=True)
    assert system_lines(page) == {1: "mallory joined", 2: "alice added carol", 3: "carol left",
                                  4: "alice removed mallory", 5: "alice added dave", 6: "alice banned dave"}


def test_joining_and_inviting_with_the_page_forms_write_the_lines(app, alice, bob, mallory, general, secret):
    joiner = logged_in(app, mallory)
    joiner.post(f"/rooms/{general}/join", data={"csrf_token": csrf_token(joiner, f"/rooms/{general}")})
    owner = logged_in(app, alice)
    owner.post(f"/rooms/{secret}/invite", data={"username": "bob", "csrf_token": csrf_token(owner, f"/rooms/{secret}")})
    owner.post(f"/rooms/{general}/leave", data={"csrf_token": csrf_token(owner, f"/rooms/{general}")})
    assert system_lines(joiner.get(f"/rooms/{general}").get_data(as_text=True)) == {1: "mallory joined", 2: "alice left"}
    assert system_lines(logged_in(app, bob).get(f"/rooms/{secret}").get_data(as_text=True)) == {1: "alice added bob"}
