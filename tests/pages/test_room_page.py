"""What the room page shows: unread marks and counts, its stream's cursor, and the history."""
import re

from chat.extensions import db
from chat.models import Membership
from chat.realtime import cursor
from tests.conftest import logged_in, make_room, post_message


def unread_badges(page):
    """{room id: unread count} from the badges a page renders."""
    return {int(room): int(count) for room, count in re.findall(
        r'data-room-id="(\d+)"[^>]*>.*?<span class="unread"[^>]*>(\d+)<', page, re.S)}


def test_opening_a_room_marks_it_read_up_to_the_last_message_shown(app, alice, bob, general):
    for n in range(3):
        post_message(app, general, alice, f"m{n}")
    with app.app_context():
        assert Membership.of(general, bob.id).last_read_seq == 0
    logged_in(app, bob).get(f"/rooms/{general}")
    with app.app_context():
        assert Membership.of(general, bob.id).last_read_seq == 3


def test_an_old_page_of_history_marks_read_only_what_it_shows(app, alice, bob, general):
    for n in range(120):
        post_message(app, general, alice, f"m{n}")
    logged_in(app, bob).get(f"/rooms/{general}?before=30")
    with app.app_context():
        assert Membership.of(general, bob.id).last_read_seq == 29


def test_the_room_page_lists_my_rooms_with_their_unread_counts(app, alice, bob, general, secret):
    third = make_room(app, bob, "third")
    for n in range(4):
        post_message(app, general, bob, f"m{n}")
    page = logged_in(app, alice).get(f"/rooms/{secret}").get_data(as_text=True)
    sidebar = re.search(r'<ul class="room-nav" id="room-nav">(.*?)</ul>', page, re.S).group(1)
    assert unread_badges(sidebar) == {general: 4, secret: 0}
    assert f'href="/rooms/{third}"' not in sidebar
    assert re.search(rf'href="/rooms/{secret}" aria-current="page"', sidebar)


def test_the_directory_shows_unread_counts_for_my_rooms(app, alice, bob, general):
    post_message(app, general, alice, "hello")
    page = logged_in(app, bob).get("/rooms").get_data(as_text=True)
    assert unread_badges(page) == {general: 1}


def test_the_page_hands_its_stream_the_cursor_it_was_rendered_at(app, alice, general, secret):
    post_message(app, general, alice, "one")
    page = logged_in(app, alice).get(f"/rooms/{general}").get_data(as_text=True)
    assert cursor.load(re.search(r'data-cursor="([^"]+)"', page).group(1)) == {general: 1, secret: 0}
    assert '<script src="/static/js/stream.js" defer></script>' in page


def test_pages_without_a_stream_load_no_scripts(client):
    assert "<script" not in client.get("/login").get_data(as_text=True)


def test_a_run_of_one_authors_messages_is_grouped_and_each_day_gets_a_separator(app, alice, bob, general):
    from datetime import datetime, timezone

    from chat.models import Message

    times = [(alice, "2026-03-01 09:00"), (alice, "2026-03-01 09:02"), (bob, "2026-03-01 09:03"),
             (bob, "2026-03-01 09:30"), (bob, "2026-03-02 09:31")]
    for who, _ in times:
        post_message(app, general, who, "hi")
    with app.app_context():
        for seq, (_, moment) in enumerate(times, start=1):
            Message.at(general, seq).created_at = datetime.strptime(moment, "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc)
        db.session.commit()
    page = logged_in(app, alice).get(f"/rooms/{general}").get_data(as_text=True)
    rows = re.findall(r'<li class="(day|message[^"]*)"', page)
    assert rows == ["day", "message mine", "message grouped mine", "message", "message", "day", "message"]
    assert "Sunday, 01 March 2026 (UTC)" in page and "Monday, 02 March 2026 (UTC)" in page


def test_links_and_mentions_of_me_show_in_the_history(app, alice, bob, general):
    post_message(app, general, bob, "@alice look: https://example.com/a")
    page = logged_in(app, alice).get(f"/rooms/{general}").get_data(as_text=True)
    assert 'class="message mentions-me"' in page
    assert ('<p><span class="mention me" data-user="alice">@alice</span> look: <a href="https://example.com/a" '
            'target="_blank" rel="noopener noreferrer nofollow">https://example.com/a</a></p>') in page
    assert 'mentions-me' not in logged_in(app, bob).get(f"/rooms/{general}").get_data(as_text=True)
