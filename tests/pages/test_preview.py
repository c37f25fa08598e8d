"""A public room seen from outside: its latest history, read-only, with a Join button."""
import re

from chat.extensions import db
from chat.models import User
from tests.conftest import csrf_token, logged_in, main_of, post_message


def seq_of(page, body):
    """The seq of the message in `page` that reads `body`."""
    return re.search(rf'data-seq="(\d+)"[^>]*>(?:(?!</li>).)*?\b{body}\b', page, re.S).group(1)


def test_a_non_member_previews_a_public_rooms_history_with_a_join_button_and_no_composer(app, alice, mallory, general):
    post_message(app, general, alice, "what we talk about here")
    response = logged_in(app, mallory).get(f"/rooms/{general}")
    page = main_of(response)
    assert response.status_code == 200
    assert "what we talk about here" in page and "previewing this room" in page
    assert f'<form method="post" action="/rooms/{general}/join">' in page and "Join general" in page
    assert f'action="/rooms/{general}/messages"' not in page and "<textarea" not in page
    assert "data-cursor" not in response.get_data(as_text=True)  # no stream for a look from outside


def test_a_preview_pages_back_through_older_history(app, alice, mallory, general):
    for n in range(1, 56):
        post_message(app, general, alice, f"line {n}")
    client = logged_in(app, mallory)
    latest = main_of(client.get(f"/rooms/{general}"))
    assert re.search(r"\bline 55\b", latest) and not re.search(r"\bline 5\b", latest)
    older = main_of(client.get(f"/rooms/{general}?before={seq_of(latest, 'line 6')}"))
    assert re.search(r"\bline 5\b", older) and not re.search(r"\bline 55\b", older)


def test_previewing_marks_nothing_read_and_joins_nothing(app, alice, mallory, general):
    post_message(app, general, alice, "hello")
    logged_in(app, mallory).get(f"/rooms/{general}")
    with app.app_context():
        assert db.session.get(User, mallory.id).memberships == []


def test_a_private_room_stays_a_404_to_a_non_member(app, mallory, secret):
    assert logged_in(app, mallory).get(f"/rooms/{secret}").status_code == 404


def test_join_from_the_preview_opens_the_room_itself(app, alice, mallory, general):
    client = logged_in(app, mallory)
    response = client.post(f"/rooms/{general}/join", data={"csrf_token": csrf_token(client, f"/rooms/{general}")})
    assert response.location == f"/rooms/{general}"
    page = main_of(client.get(f"/rooms/{general}"))
    assert 'id="composer"' in page and "previewing this room" not in page
