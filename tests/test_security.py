import pytest

from tests.conftest import csrf_token


@pytest.mark.parametrize("path", ["/login", "/signup", "/api/v1/openapi.json", "/api/v1/me", "/nowhere", "/healthz"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers


def test_pages_have_no_inline_script(client, auth, alice, general):
    auth.login("alice")
    for path in ("/login", "/rooms", f"/rooms/{general}"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page and "onclick" not in page.lower()


def test_a_cookie_session_write_to_the_api_needs_the_csrf_header(client, auth, alice, general):
    auth.login("alice")
    refused = client.post(f"/api/v1/rooms/{general}/messages", json={"body": "forged"})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (400, "csrf_failed")
    token = csrf_token(client, "/rooms")
    accepted = client.post(f"/api/v1/rooms/{general}/messages", json={"body": "mine"},
                           headers={"X-CSRFToken": token})
    assert (accepted.status_code, accepted.get_json()["seq"]) == (201, 1)


def test_a_cookie_session_read_from_the_api_needs_no_csrf(client, auth, alice):
    auth.login("alice")
    assert client.get("/api/v1/me").get_json()["username"] == "alice"


def test_logging_out_through_the_api_ends_the_browser_session(client, auth, alice):
    auth.login("alice")
    token = csrf_token(client, "/rooms")
    assert client.delete("/api/v1/tokens/current", headers={"X-CSRFToken": token}).status_code == 204
    assert client.get("/api/v1/me").status_code == 401


def test_an_unknown_api_path_and_method_answer_in_json(client, api, alice):
    missing = client.get("/api/v1/nope")
    assert (missing.status_code, missing.get_json()["error"]["code"]) == (404, "not_found")
    wrong = api.as_(alice).call("PUT", "/rooms")
    assert (wrong.status_code, wrong.get_json()["error"]["code"]) == (405, "method_not_allowed")


def test_an_unknown_page_is_an_html_404(client):
    response = client.get("/nowhere")
    assert response.status_code == 404 and response.mimetype == "text/html"
