import html
import re

import pytest
from sqlalchemy import select

from chat.extensions import db
from chat.models import Message, Room, User
from tests.conftest import csrf_token, field_errors, logged_in


def composer(client, room_id):
    """The hidden fields of the room page's message form (csrf_token, client_id)."""
    page = client.get(f"/rooms/{room_id}").get_data(as_text=True)
    form = re.search(rf'<form method="post" action="/rooms/{room_id}/messages".*?</form>', page, re.S).group(0)
    return dict(re.findall(r'<input [^>]*name="([^"]+)" type="hidden" value="([^"]*)"', form))


def send(client, room_id, body, fields=None):
    """Submit the room's message form as a browser would."""
    data = {**(fields or composer(client, room_id)), "body": body}
    return client.post(f"/rooms/{room_id}/messages", data=data)


def seqs(response):
    return [int(seq) for seq in re.findall(r'data-seq="(\d+)"', response.get_data(as_text=True))]


def link(response, text):
    """The href of the page link labelled `text`, or None."""
    found = re.search(rf'<a class="page-link" href="([^"]+)">{text}</a>', response.get_data(as_text=True))
    return found and found.group(1)


def fill(app, room_id, who, count):
    with app.app_context():
        room, author = db.session.get(Room, room_id), db.session.get(User, who.id)
        for n in range(1, count + 1):
            room.post(author, f"message number {n}")


def stored(app, room_id):
    with app.app_context():
        return db.session.scalars(select(Message.body).where(Message.room_id == room_id)
                                  .order_by(Message.seq)).all()


def test_posting_with_the_rooms_form_stores_the_message_and_shows_the_room_at_it(app, alice, general):
    client = logged_in(app, alice)
    fill(app, general, alice, 2)
    response = send(client, general, "  hello, world  ")
    assert response.status_code == 302
    assert response.location == f"/rooms/{general}#m3"
    assert stored(app, general)[-1] == "hello, world"
    page = client.get(f"/rooms/{general}")
    assert seqs(page) == [1, 2, 3]
    assert 'id="m3"' in page.get_data(as_text=True)


def test_the_room_page_shows_a_message_escaped(app, alice, bob, general):
    send(logged_in(app, alice), general, "<script>alert(1)</script>")
    page = logged_in(app, bob).get(f"/rooms/{general}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert all(tag.startswith('<script src="/static/js/') for tag in re.findall(r"<script[^>]*>", page))


def test_submitting_the_same_form_twice_stores_one_message(app, alice, general):
    client = logged_in(app, alice)
    fields = composer(client, general)
    assert fields["client_id"]
    first, again = send(client, general, "once", fields), send(client, general, "once", fields)
    assert (first.status_code, again.status_code) == (302, 302)
    assert first.location == again.location == f"/rooms/{general}#m1"
    assert stored(app, general) == ["once"]
    with app.app_context():
        assert db.session.get(Room, general).last_seq == 1


def test_each_load_of_the_room_gives_the_form_a_new_client_id(app, alice, general):
    client = logged_in(app, alice)
    first, second = composer(client, general), composer(client, general)
    assert first["client_id"] != second["client_id"]
    send(client, general, "one", first)
    send(client, general, "two", second)
    assert stored(app, general) == ["one", "two"]


@pytest.mark.parametrize("body, error", [
    ("", "Message cannot be empty."),
    ("   \r\n  ", "Message cannot be empty."),
    ("x" * 4001, "Message must be at most 4,000 characters."),
    ("bell\x07", "Message contains a control character that is not allowed."),
])
def test_a_body_outside_the_rules_re_renders_the_room_with_the_error(app, alice, general, body, error):
    response = send(logged_in(app, alice), general, body)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert field_errors(page, "body") == [error]
    assert f'<form method="post" action="/rooms/{general}/messages"' in page
    assert stored(app, general) == []
    with app.app_context():
        assert db.session.get(Room, general).last_seq == 0


def test_a_text_over_the_limit_comes_back_whole_in_the_form_with_the_reason(app, alice, general):
    typed = "word " * 819 + "last words\r\nkept"  # 4,109 characters, none of them to be cut
    response = send(logged_in(app, alice), general, typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert field_errors(page, "body") == ["Message must be at most 4,000 characters."]
    box = re.search(r'<textarea [^>]*name="body"[^>]*>(.*?)</textarea>', page, re.S)
    assert "maxlength" not in box.group(0)
    assert html.unescape(box.group(1)).lstrip("\r\n") == typed
    assert stored(app, general) == []


def test_the_composer_sets_no_maxlength_that_would_cut_a_paste(app, alice, general):
    page = logged_in(app, alice).get(f"/rooms/{general}").get_data(as_text=True)
    box = re.search(r'<textarea [^>]*name="body"[^>]*>', page).group(0)
    assert "maxlength" not in box and 'id="body"' in box


def test_a_body_of_exactly_4000_characters_is_accepted(app, alice, general):
    assert send(logged_in(app, alice), general, "x" * 4000).status_code == 302
    assert stored(app, general) == ["x" * 4000]


def test_the_room_page_shows_the_latest_fifty_and_links_to_older_and_newer(app, alice, general):
    fill(app, general, alice, 120)
    client = logged_in(app, alice)

    latest = client.get(f"/rooms/{general}")
    assert seqs(latest) == list(range(71, 121))
    assert link(latest, "Older messages") == f"/rooms/{general}?before=71"
    assert link(latest, "Newer messages") is None

    older = client.get(link(latest, "Older messages"))
    assert seqs(older) == list(range(21, 71))
    assert link(older, "Older messages") == f"/rooms/{general}?before=21"
    assert link(older, "Newer messages") == f"/rooms/{general}?after=70"
    assert link(older, "Latest") == f"/rooms/{general}"

    oldest = client.get(link(older, "Older messages"))
    assert seqs(oldest) == list(range(1, 21))
    assert link(oldest, "Older messages") is None
    assert link(oldest, "Newer messages") == f"/rooms/{general}?after=20"

    forward = client.get(link(oldest, "Newer messages"))
    assert seqs(forward) == list(range(21, 71))
    newest = client.get(link(older, "Newer messages"))
    assert seqs(newest) == list(range(71, 121))
    assert link(newest, "Newer messages") is None


def test_an_empty_room_says_so_and_links_nowhere(app, alice, general):
    page = logged_in(app, alice).get(f"/rooms/{general}")
    assert seqs(page) == []
    assert "No messages yet." in page.get_data(as_text=True)
    assert link(page, "Older messages") is None and link(page, "Newer messages") is None


@pytest.mark.parametrize("query", [
    "before=abc", "before=0", "before=-1", "before=1.5", "before=99999999999",
    "after=abc", "after=-1", "around=abc", "around=0", "before=",
])
def test_a_malformed_paging_parameter_is_a_400_page_not_a_500(app, alice, general, query):
    response = logged_in(app, alice).get(f"/rooms/{general}?{query}")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "must be a whole number" in response.get_data(as_text=True)


def test_a_permalink_opens_the_room_around_the_message_highlighted(app, alice, general):
    fill(app, general, alice, 120)
    client = logged_in(app, alice)
    response = client.get(f"/rooms/{general}/messages/10")
    assert response.status_code == 302
    assert response.location == f"/rooms/{general}?around=10#m10"
    page = client.get(response.location)
    assert 10 in seqs(page)
    html = page.get_data(as_text=True)
    assert re.search(r'<li class="message highlight[^"]*" id="m10"', html)
    assert len(re.findall(r'class="message highlight', html)) == 1


def test_each_message_links_to_its_permalink(app, alice, general):
    fill(app, general, alice, 1)
    page = logged_in(app, alice).get(f"/rooms/{general}").get_data(as_text=True)
    assert f'href="/rooms/{general}/messages/1"' in page


@pytest.mark.parametrize("seq", ["4", "0", "99999999999"])
def test_a_permalink_to_a_missing_message_is_a_404(app, alice, general, seq):
    fill(app, general, alice, 3)
    response = logged_in(app, alice).get(f"/rooms/{general}/messages/{seq}")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_a_permalink_in_a_private_room_i_am_not_in_is_a_404(app, alice, mallory, secret):
    fill(app, secret, alice, 1)
    client = logged_in(app, mallory)
    hidden = client.get(f"/rooms/{secret}/messages/1")
    missing = client.get(f"/rooms/{secret + 1000}/messages/1")
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert "message number 1" not in hidden.get_data(as_text=True)


def test_a_permalink_in_a_public_room_i_have_not_joined_opens_the_room(app, alice, mallory, general):
    fill(app, general, alice, 1)
    response = logged_in(app, mallory).get(f"/rooms/{general}/messages/1")
    assert response.status_code == 302
    assert response.location == f"/rooms/{general}"


def test_a_non_member_of_a_private_room_cannot_post_in_it(app, alice, mallory, secret):
    client = logged_in(app, mallory)
    data = {"body": "let me in", "client_id": "abc", "csrf_token": csrf_token(client, "/rooms")}
    response = client.post(f"/rooms/{secret}/messages", data=data)
    assert response.status_code == 404
    assert "let me in" not in response.get_data(as_text=True)
    assert stored(app, secret) == []
    with app.app_context():
        assert db.session.get(Room, secret).last_seq == 0


def test_a_non_member_of_a_public_room_must_join_before_posting(app, alice, mallory, general):
    client = logged_in(app, mallory)
    data = {"body": "hi all", "csrf_token": csrf_token(client, "/rooms")}
    assert client.post(f"/rooms/{general}/messages", data=data).status_code == 403
    assert stored(app, general) == []


def test_posting_without_the_csrf_token_is_refused(app, alice, general):
    client = logged_in(app, alice)
    fields = composer(client, general)
    del fields["csrf_token"]
    assert send(client, general, "forged", fields).status_code == 400
    assert stored(app, general) == []


def test_an_anonymous_post_is_sent_to_log_in_and_stores_nothing(app, client, alice, general):
    data = {"body": "drive-by", "csrf_token": csrf_token(client, "/login")}
    response = client.post(f"/rooms/{general}/messages", data=data)
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    assert stored(app, general) == []


def test_a_tampered_client_id_shows_a_visible_error_and_stores_nothing(app, alice, general):
    client = logged_in(app, alice)
    fields = {**composer(client, general), "client_id": "not a valid id!"}
    response = send(client, general, "hello", fields)
    assert response.status_code == 400
    assert "client_id must be" in response.get_data(as_text=True)
    assert stored(app, general) == []


def test_the_room_page_shows_edits_tombstones_and_room_events_in_their_places(app, api, alice, bob, general):
    for body in ("first", "second", "third"):
        api.as_(bob).post(f"/rooms/{general}/messages", json={"body": body})
    api.as_(bob).call("PATCH", f"/rooms/{general}/messages/1", json={"body": "first, better"})
    api.as_(alice).delete(f"/rooms/{general}/messages/2")
    api.as_(alice).call("PATCH", f"/rooms/{general}", json={"topic": "News"})
    page = logged_in(app, bob).get(f"/rooms/{general}").get_data(as_text=True)
    seqs = re.findall(r'<li class="message[^"]*" id="m(\d+)"', page)
    assert seqs == ["1", "2", "3", "6"]  # 4 and 5 numbered the edit and the delete
    first = re.search(r'<li [^>]*id="m1".*?</li>', page, re.S).group(0)
    assert "first, better" in first and '<span class="edited">(edited)</span>' in first
    deleted = re.search(r'<li [^>]*id="m2".*?</li>', page, re.S).group(0)
    assert "deleted" in deleted.split(">")[0] and "Message deleted" in deleted and "second" not in deleted
    event = re.search(r'<li class="message system" id="m6".*?</li>', page, re.S).group(0)
    assert "alice changed the topic to \u201cNews\u201d" in event
    assert "Newer messages" not in page  # the log ends in a room event, not a newer message


def test_the_sidebar_counts_unread_messages_and_mentions_not_edits_or_events(app, api, alice, bob, general, secret):
    api.as_(alice).post(f"/rooms/{general}/messages", json={"body": "hi @bob"})
    api.as_(alice).post(f"/rooms/{general}/messages", json={"body": "and hello"})
    api.as_(alice).call("PATCH", f"/rooms/{general}/messages/2", json={"body": "and hello again"})
    api.as_(alice).call("PATCH", f"/rooms/{general}", json={"topic": "News"})
    api.as_(alice).post(f"/rooms/{secret}/members", json={"username": "bob"})
    page = logged_in(app, bob).get(f"/rooms/{secret}").get_data(as_text=True)
    entry = re.search(rf'<li data-room-id="{general}".*?</li>', page, re.S).group(0)
    assert 'data-unread="2" data-mentions="1"' in entry
    assert re.search(r'<span class="mention-count">@1<', entry) and re.search(r'<span class="unread">2<', entry)
