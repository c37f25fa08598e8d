"""Sessions and cookies (chat/login.py): remembering, renewing and revoking a browser's login."""
from tests.conftest import PASSWORD, Auth, can_see_rooms, csrf_token


def set_cookie_header(response, name):
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}="))


def test_remember_me_sets_the_remember_cookie(client, alice):
    response = Auth(client).login("alice", remember=True)
    assert response.status_code == 302
    assert client.get_cookie("chat_remember") is not None
    header = set_cookie_header(response, "chat_remember")
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_without_remember_me_no_remember_cookie_is_set(client, alice):
    response = Auth(client).login("alice")
    assert response.status_code == 302
    assert client.get_cookie("chat_remember") is None
    assert not [h for h in response.headers.getlist("Set-Cookie") if h.startswith("chat_remember=")]


def test_the_remember_cookie_alone_logs_you_back_in(app, auth, client, alice):
    auth.login("alice", remember=True)
    returning = app.test_client()
    returning.set_cookie("chat_remember", client.get_cookie("chat_remember").value)
    assert can_see_rooms(returning)


def test_the_session_cookie_is_httponly_and_samesite_lax(client, alice):
    header = set_cookie_header(Auth(client).login("alice"), "chat_session")
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_the_session_is_renewed_at_login(app, client, alice):
    csrf_token(client)  # visiting the login page starts an anonymous session
    before = client.get_cookie("chat_session").value
    Auth(client).login("alice")
    after = client.get_cookie("chat_session").value
    assert after != before
    # A cookie planted before the login (session fixation) stays anonymous.
    planted = app.test_client()
    planted.set_cookie("chat_session", before)
    assert not can_see_rooms(planted)


def test_after_logout_replaying_the_old_session_cookie_is_refused(app, auth, client, alice):
    auth.login("alice")
    stolen = client.get_cookie("chat_session").value
    auth.logout()
    replay = app.test_client()
    replay.set_cookie("chat_session", stolen)
    response = replay.get("/rooms")
    assert response.status_code == 302
    assert response.location == "/login?next=/rooms"


def test_after_logout_replaying_the_old_remember_cookie_is_refused(app, auth, client, alice):
    auth.login("alice", remember=True)
    session, remember = client.get_cookie("chat_session").value, client.get_cookie("chat_remember").value
    auth.logout()
    for cookies in ({"chat_remember": remember}, {"chat_session": session, "chat_remember": remember}):
        replay = app.test_client()
        for name, value in cookies.items():
            replay.set_cookie(name, value)
        response = replay.get("/rooms")
        assert response.status_code == 302
        assert response.location == "/login?next=/rooms"


def test_logging_out_ends_the_session_and_lands_on_the_login_page(auth, client, alice):
    auth.login("alice", remember=True)
    response = auth.logout()
    assert response.status_code == 302
    assert response.location == "/login"
    assert not can_see_rooms(client)


def test_logging_out_deletes_the_remember_cookie_from_the_browser(auth, client, alice):
    auth.login("alice", remember=True)
    response = auth.logout()
    assert any(h.startswith("chat_remember=;") for h in response.headers.getlist("Set-Cookie"))
    assert client.get_cookie("chat_remember") is None


def test_logging_in_again_in_the_same_browser_revokes_the_earlier_login(app, client, alice, bob):
    Auth(client).login("alice")
    earlier = client.get_cookie("chat_session").value
    client.post("/login", data={"username": "bob", "password": PASSWORD, "csrf_token": csrf_token(client, "/rooms")})
    assert client.get("/api/v1/me").get_json()["username"] == "bob"
    replay = app.test_client()
    replay.set_cookie("chat_session", earlier)
    assert not can_see_rooms(replay)
    assert can_see_rooms(client)
