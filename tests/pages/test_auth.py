"""The sign-up and log-in pages: their forms, field errors, CSRF and where `next` leads."""
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from chat.extensions import db
from chat.models import User
from tests.conftest import PASSWORD, can_see_rooms, csrf_token, field_errors


def sign_up(client, username, password=PASSWORD):
    return client.post("/signup", data={
        "username": username, "password": password, "csrf_token": csrf_token(client, "/signup"),
    })


def log_in(client, username, password=PASSWORD, remember=False, **query):
    """Post the login form; `query` (such as next=) goes in the URL, encoded."""
    data = {"username": username, "password": password, "csrf_token": csrf_token(client)}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data, query_string=query)


def form_errors(page):
    found = re.search(r'<ul class="errors form-errors" role="alert">(.*?)</ul>', page, re.S)
    return re.findall(r"<li>(.*?)</li>", found.group(1)) if found else []


def input_tag(page, name):
    return re.search(rf'<input [^>]*name="{name}"[^>]*>', page).group(0)


def user_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_the_signup_and_login_pages_render_their_forms(client):
    for path in ("/signup", "/login"):
        page = client.get(path)
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert f'<form method="post" action="{path}"' in body
        assert 'name="csrf_token"' in body


def test_signing_up_through_the_form_logs_you_in_and_lands_on_the_rooms(app, client):
    response = sign_up(client, "carol")
    assert response.status_code == 302
    assert response.location == "/rooms"
    rooms = client.get("/rooms")
    assert rooms.status_code == 200
    assert '<span class="me">carol</span>' in rooms.get_data(as_text=True)
    with app.app_context():
        assert User.named("carol") is not None


@pytest.mark.parametrize("name", ["alice", "ALICE", "Alice", "ａｌｉｃｅ"])
def test_a_taken_username_is_shown_next_to_the_username_field(app, client, alice, name):
    response = sign_up(client, name)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert field_errors(page, "username") == ["That username is taken."]
    assert field_errors(page, "password") == []
    assert f'value="{name}"' in input_tag(page, "username")
    assert PASSWORD not in page
    assert 'value=""' in input_tag(page, "password")
    assert user_count(app) == 1
    assert not can_see_rooms(client)


@pytest.mark.parametrize("name, error", [
    ("ab", "Username must be 3 to 32 characters."),
    ("c" * 33, "Username must be 3 to 32 characters."),
    ("carol smith", "Username may use only letters, digits, &#39;_&#39;, &#39;-&#39; and &#39;.&#39;."),
    ("carol<b>", "Username may use only letters, digits, &#39;_&#39;, &#39;-&#39; and &#39;.&#39;."),
])
def test_a_malformed_username_is_shown_next_to_the_username_field(app, client, name, error):
    response = sign_up(client, name)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert field_errors(page, "username") == [error]
    assert "<b>" not in input_tag(page, "username")
    assert user_count(app) == 0


@pytest.mark.parametrize("username, password, error", [
    ("carol", "short", "Password must be 12 to 128 characters."),
    ("carol", "p" * 129, "Password must be 12 to 128 characters."),
    ("carol", "password1234", "That password is too easy to guess; choose another."),
    ("carol", "aaaaaaaaaaaaaaaa", "That password is too easy to guess; choose another."),
    ("carol-the-great", "Carol-The-Great", "That password is too easy to guess; choose another."),
])
def test_a_bad_password_is_shown_next_to_the_password_field(app, client, username, password, error):
    response = sign_up(client, username, password)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert field_errors(page, "password") == [error]
    assert field_errors(page, "username") == []
    assert f'value="{username}"' in input_tag(page, "username")
    assert password not in page
    assert user_count(app) == 0


def test_logging_in_through_the_form_lands_on_the_home_page(client, alice):
    response = log_in(client, "alice")
    assert response.status_code == 302
    assert response.location == "/"
    assert can_see_rooms(client)


def test_logging_in_folds_the_username_like_signup_does(client, alice):
    assert log_in(client, "ＡＬＩＣＥ").status_code == 302
    assert '<span class="me">alice</span>' in client.get("/rooms").get_data(as_text=True)


@pytest.mark.parametrize("username", ["alice", "nobody"])
def test_a_wrong_password_shows_the_same_form_error_whether_the_user_exists_or_not(
        client, alice, username):
    response = log_in(client, username, "not the right password")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert form_errors(page) == ["Wrong username or password."]
    assert field_errors(page, "username") == []
    assert field_errors(page, "password") == []
    assert "not the right password" not in page
    assert not can_see_rooms(client)


def test_the_wrong_password_page_is_identical_for_a_real_and_a_made_up_user(app, alice):
    pages = []
    for username in ("alice", "nobody"):
        client = app.test_client()
        page = log_in(client, username, "not the right password").get_data(as_text=True)
        main = re.search(r"<main.*</main>", page, re.S).group(0)
        pages.append(re.sub(r'value="[^"]*"', "", main))
    assert pages[0] == pages[1]


def test_logout_is_a_post_form_button_on_pages(auth, client, alice):
    auth.login("alice")
    page = client.get("/rooms").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/logout".*?</form>', page, re.S).group(0)
    assert 'name="csrf_token"' in form
    assert '<button type="submit"' in form
    assert client.get("/logout").status_code == 405
    assert can_see_rooms(client)


def test_logging_out_without_the_csrf_token_is_refused(auth, client, alice):
    auth.login("alice")
    assert client.post("/logout").status_code == 400
    assert can_see_rooms(client)


EVIL_TARGETS = [
    "//evil.example",
    "/\\evil.example",
    "https://evil.example",
    "/\x09/evil",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_next_is_ignored_unless_it_is_a_local_path(client, alice, target):
    response = log_in(client, "alice", next=target)
    assert response.status_code == 302
    assert response.location == "/"


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_visiting_the_login_page_logged_in_ignores_a_foreign_next(auth, client, alice, target):
    auth.login("alice")
    response = client.get("/login", query_string={"next": target})
    assert response.status_code == 302
    assert response.location == "/"


def test_a_local_next_is_followed(client, alice):
    response = log_in(client, "alice", next="/rooms/1?x=1")
    assert response.status_code == 302
    assert response.location == "/rooms/1?x=1"


def test_an_anonymous_visitor_is_brought_back_to_the_page_they_asked_for(client, alice):
    asked = client.get("/rooms", query_string={"x": "1"})
    assert urlsplit(asked.location).path == "/login"
    assert parse_qs(urlsplit(asked.location).query) == {"next": ["/rooms?x=1"]}
    page = client.get(asked.location).get_data(as_text=True)
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page).group(1))
    response = client.post(action, data={
        "username": "alice", "password": PASSWORD, "csrf_token": csrf_token(client),
    })
    assert response.location == "/rooms?x=1"


def test_the_login_form_carries_next_through_a_failed_attempt(client, alice):
    page = log_in(client, "alice", "wrong password!", next="/rooms").get_data(as_text=True)
    assert '<form method="post" action="/login?next=/rooms"' in page


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_a_login_post_without_a_valid_csrf_token_is_refused(client, alice, token):
    client.get("/login")
    data = {"username": "alice", "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/login", data=data)
    assert response.status_code == 400
    assert "csrf_failed" in response.get_data(as_text=True)
    assert client.get_cookie("chat_remember") is None
    assert not can_see_rooms(client)


def test_a_signup_post_without_the_csrf_token_is_refused(app, client):
    client.get("/signup")
    response = client.post("/signup", data={"username": "carol", "password": PASSWORD})
    assert response.status_code == 400
    assert user_count(app) == 0
    assert not can_see_rooms(client)
