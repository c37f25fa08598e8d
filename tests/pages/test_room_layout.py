"""The room page's markup for its layout: a menu per member with only what the
reader may do, questions before Remove, Ban and Leave, the icon sprite, the
members drawer's controls and the history's no-script opening."""
import re

import pytest

from chat.extensions import db
from chat.models import Room, User
from tests.conftest import logged_in, make_room, person

ICONS = ["lock", "hash", "at", "edit", "trash", "reply", "smile", "more", "users", "x", "arrow-down", "arrow-up",
         "search"]


def entries(page):
    """{username: the markup of their entry in the members list}."""
    members = re.search(r'<ul class="members" id="members">(.*?)</ul>', page, re.S).group(1)
    return dict(re.findall(r'<li data-user-id="\d+" data-username="([^"]+)"[^>]*>(.*?)</li>', members, re.S))


def menu(entry):
    """What a member's menu offers: its direct buttons, and each question with its confirming button."""
    found = re.search(r'<details class="member-menu">\s*<summary[^>]*>(.*?)</summary>(.*)</details>', entry, re.S)
    if not found:
        return None
    opener, body = found.groups()
    questions = re.findall(r'<details class="confirm">\s*<summary[^>]*>.*?</svg>(\w+)</summary>\s*'
                           r'<div class="confirm-body">\s*<p>(.*?)</p>\s*<form method="post" action="([^"]+)">'
                           r'.*?<button type="submit" class="danger">([^<]+)</button>', body, re.S)
    plain = re.sub(r'<details class="confirm">.*?</details>', "", body, flags=re.S)
    return {"opener": re.sub(r"<[^>]+>", "", opener).strip(),
            "buttons": re.findall(r'<button type="submit" class="menu-item"[^>]*>.*?</svg>(\w+)</button>', plain, re.S),
            "questions": [(label, action, answer) for label, _, action, answer in questions]}


def room_page(app, who, room_id, query=""):
    return logged_in(app, who).get(f"/rooms/{room_id}{query}").get_data(as_text=True)


def test_the_owner_sees_message_remove_and_ban_in_each_members_menu_and_none_for_herself(app, alice, bob, general):
    shown = entries(room_page(app, alice, general))
    assert menu(shown["alice"]) is None and "<form" not in shown["alice"]
    assert menu(shown["bob"]) == {
        "opener": "Actions for bob",
        "buttons": ["Message"],
        "questions": [("Remove", f"/rooms/{general}/members/bob/remove", "Remove bob"),
                      ("Ban", f"/rooms/{general}/members/bob/ban", "Ban bob")]}


def test_a_member_who_is_not_the_owner_may_only_message_others(app, alice, bob, general):
    page = room_page(app, bob, general)
    assert menu(entries(page)["alice"]) == {"opener": "Actions for alice", "buttons": ["Message"], "questions": []}
    assert "/members/alice/" not in page


def test_a_site_admin_may_remove_even_the_owner(app, alice, general):
    admin = person(app, "admin")
    with app.app_context():
        user = db.session.get(User, admin.id)
        user.is_admin = True
        db.session.get(Room, general).join(user)
    assert [q[0] for q in menu(entries(room_page(app, admin, general))["alice"])["questions"]] == ["Remove", "Ban"]


def test_a_direct_message_has_no_member_menus_and_no_leave(app, alice, bob):
    with app.app_context():
        dm, _ = Room.between(db.session.get(User, alice.id), "bob")
        dm_id = dm.id
    page = room_page(app, alice, dm_id)
    assert [menu(entry) for entry in entries(page).values()] == [None, None]
    assert "Leave room" not in page


def test_leaving_asks_first_and_its_answer_is_the_form_that_leaves(app, alice, bob, general):
    page = room_page(app, bob, general)
    leave = re.search(r'<details class="confirm leave">(.*?)</details>', page, re.S).group(1)
    assert re.search(r"<summary[^>]*>.*Leave room</summary>", leave)
    assert re.search(rf'<form method="post" action="/rooms/{general}/leave">.*'
                     r'<button type="submit" class="danger">Leave this room</button>', leave, re.S)
    assert page.count(f'action="/rooms/{general}/leave"') == 1  # no other way round the question


def test_every_page_carries_one_sprite_with_the_apps_icons_and_uses_only_those(app, alice, bob, general, secret):
    with app.app_context():
        Room.between(db.session.get(User, alice.id), "bob")
    for path in (f"/rooms/{general}", "/rooms"):
        page = logged_in(app, alice).get(path).get_data(as_text=True)
        assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="icon-sprite"') == 1
        symbols = re.findall(r'<symbol id="i-([\w-]+)"', page)
        assert set(ICONS) <= set(symbols) and len(symbols) == len(set(symbols))
        used = re.findall(r'<svg class="icon" aria-hidden="true"><use href="#i-([\w-]+)"></use></svg>', page)
        assert used and set(used) <= set(symbols)
        assert len(used) == page.count('<svg class="icon"')
        assert "\U0001f512" not in page  # no padlock that needs an emoji font


@pytest.mark.parametrize("private, kind", [(False, "hash"), (True, "lock")])
def test_the_sidebar_marks_a_room_private_or_public_with_an_icon(app, alice, private, kind):
    room = make_room(app, alice, "lab", private=private)
    page = room_page(app, alice, room)
    label = re.search(rf'<li data-room-id="{room}".*?<span class="room-label">(.*?)</span>', page, re.S).group(1)
    assert label == f'<svg class="icon" aria-hidden="true"><use href="#i-{kind}"></use></svg>lab'


def test_the_header_has_a_members_button_that_targets_the_room_details(app, alice, bob, general):
    page = room_page(app, alice, general)
    toggle = re.search(r'<a class="members-toggle" id="members-toggle" href="#room-details"[^>]*>(.*?)</a>', page, re.S)
    assert re.sub(r"<[^>]+>", "", toggle.group(1)) == "Members: 2"
    assert '<aside class="side" id="room-details"' in page
    assert re.search(r'<a class="drawer-close" id="drawer-close" href="#chat">.*Close room details', page)


@pytest.mark.parametrize("query, from_end", [("", True), ("?before=3", True), ("?after=1", False)])
def test_without_script_the_history_opens_at_its_end_except_on_a_page_of_newer_messages(
        app, alice, bob, general, query, from_end):
    page = room_page(app, alice, general, query)
    assert '<html lang="en" class="no-js">' in page
    scroller = re.search(r'<div class="([^"]*)" id="scroller"[^>]*>\s*<div class="scroller-inner">', page)
    assert ("from-end" in scroller.group(1).split()) == from_end
