"""The "New" divider: the room page, as the server sends it, marks where the reader's news begins."""
import re

from chat.extensions import db
from chat.models import Membership, Message, Room, User
from tests.conftest import logged_in, post_message


def rows(page):
    """[(kind, seq or None)] of the history's list items, top to bottom: "message",
    "system", "day" or "divider"."""
    listing = re.search(r'<ol class="messages" id="messages"[^>]*>(.*?)</ol>', page, re.S).group(1)
    found = []
    for classes, rest in re.findall(r'<li class="([^"]*)"([^>]*)>', listing):
        seq = re.search(r'data-seq="(\d+)"', rest)
        kind = {"unread-divider": "divider", "day": "day"}.get(classes, "system" if "system" in classes else "message")
        found.append((kind, int(seq.group(1)) if seq else None))
    return found


def open_room(client, room, query=""):
    response = client.get(f"/rooms/{room}{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def read_up_to(app, room, who, seq):
    with app.app_context():
        Membership.of(room, who.id).mark_read(seq)


def test_the_divider_comes_before_the_first_message_by_someone_else_after_my_read_marker(app, alice, bob, general):
    post_message(app, general, alice, "seen before")
    read_up_to(app, general, bob, 1)
    post_message(app, general, bob, "my own words are never news")
    with app.app_context():
        db.session.get(Room, general).change(db.session.get(User, alice.id), topic="nor is a topic change")
    post_message(app, general, alice, "first news")
    post_message(app, general, alice, "second news")
    page = open_room(logged_in(app, bob), general)
    assert rows(page) == [("day", None), ("message", 1), ("message", 2), ("system", 3), ("divider", None),
                          ("message", 4), ("message", 5)]
    assert re.search(r'<li class="unread-divider" id="unread" data-count="2">', page)
    assert "New<span class=\"visually-hidden\"> messages</span>" in page
    # Without script the room opens at its newest; this link goes up to the line.
    assert '<a class="nojs-jump" href="#unread">Jump to first unread (2 new)</a>' in page


def test_a_divider_that_opens_a_day_comes_before_the_day_so_the_day_stays_beside_its_message(app, alice, bob, general):
    post_message(app, general, alice, "news on the first line")
    page = open_room(logged_in(app, bob), general)
    assert rows(page) == [("divider", None), ("day", None), ("message", 1)]


def test_the_marker_is_read_before_the_page_marks_the_room_read_so_a_second_visit_has_no_divider(app, alice, bob, general):
    post_message(app, general, alice, "news")
    client = logged_in(app, bob)
    assert ("divider", None) in rows(open_room(client, general))
    with app.app_context():
        assert Membership.of(general, bob.id).last_read_seq == 1
    assert ("divider", None) not in rows(open_room(client, general))


def test_only_my_own_messages_since_the_marker_draw_no_divider(app, alice, bob, general):
    post_message(app, general, alice, "seen")
    read_up_to(app, general, bob, 1)
    post_message(app, general, bob, "mine")
    page = open_room(logged_in(app, bob), general)
    assert 'id="unread"' not in page and "nojs-jump" not in page


def test_a_deleted_message_is_not_news_and_the_divider_moves_to_the_next(app, alice, bob, general):
    post_message(app, general, alice, "taken back")
    post_message(app, general, alice, "still here")
    with app.app_context():
        Message.at(general, 1).delete(db.session.get(User, alice.id))
    page = open_room(logged_in(app, bob), general)
    kinds = [kind for kind, _ in rows(page)]
    assert kinds.index("divider") == kinds.index("message") + 1  # after the tombstone, before message 2
    assert re.search(r'data-count="1"', page)


def test_when_the_first_unread_is_older_than_the_latest_page_the_room_opens_a_little_before_it(app, alice, bob, general):
    for n in range(1, 121):
        post_message(app, general, alice, f"m{n}")
    read_up_to(app, general, bob, 10)
    page = open_room(logged_in(app, bob), general)
    seqs = [seq for kind, seq in rows(page) if kind == "message"]
    assert seqs == list(range(8, 58))  # three read ones for context, then the first 47 unread
    assert rows(page)[4] == ("divider", None) and rows(page)[5] == ("message", 11)
    assert 'data-has-older="true" data-has-newer="true"' in page
    assert f'href="/rooms/{general}?after=57">Newer messages</a>' in page
    with app.app_context():
        assert Membership.of(general, bob.id).last_read_seq == 57  # what it shows, as any page


def test_when_the_first_unread_is_on_the_latest_page_the_room_opens_at_the_latest(app, alice, bob, general):
    for n in range(1, 81):
        post_message(app, general, alice, f"m{n}")
    read_up_to(app, general, bob, 50)
    found = rows(open_room(logged_in(app, bob), general))
    assert [seq for kind, seq in found if kind == "message"] == list(range(31, 81))
    assert found[found.index(("divider", None)) + 1] == ("message", 51)


def test_a_window_asked_for_is_kept_and_shows_the_divider_only_if_it_holds_the_first_unread(app, alice, bob, general):
    for n in range(1, 121):
        post_message(app, general, alice, f"m{n}")
    read_up_to(app, general, bob, 10)
    client = logged_in(app, bob)
    before = rows(open_room(client, general, "?before=30"))
    assert [seq for kind, seq in before if kind == "message"] == list(range(1, 30))
    assert before[before.index(("divider", None)) + 1] == ("message", 11)
    # That page marked up to 29 read: the news now starts at 30, outside this window.
    around = rows(open_room(client, general, "?around=100"))
    assert ("divider", None) not in around and ("message", 100) in around
