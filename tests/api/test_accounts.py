import pytest

from tests.conftest import PASSWORD


def error_of(response):
    body = response.get_json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    return body["error"]["code"]


def test_signing_up_returns_the_user_and_a_working_token(api):
    # The first account of an empty site is its admin (chat.models.onboarding).
    response = api.post("/users", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert body["user"]["username"] == "alice"
    me = api.get("/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.get_json() == {**body["user"], "is_admin": True}


def test_signing_up_a_taken_name_in_another_case_or_width_is_a_409(api, alice):
    for name in ("ALICE", "ａｌｉｃｅ"):
        response = api.post("/users", json={"username": name, "password": PASSWORD})
        assert (response.status_code, error_of(response)) == (409, "username_taken")


@pytest.mark.parametrize("payload, code", [
    ({"username": "al", "password": PASSWORD}, "invalid_username"),
    ({"username": "alice", "password": "short"}, "invalid_password"),
    ({"username": "alice", "password": "password1234"}, "weak_password"),
    ({"username": "alice"}, "missing_field"),
    ({"username": ["alice"], "password": PASSWORD}, "invalid_field"),
    ({"username": "alice", "password": 123456789012}, "invalid_field"),
])
def test_signing_up_with_a_bad_name_or_password_is_a_400_saying_which(api, payload, code):
    response = api.post("/users", json=payload)
    assert (response.status_code, error_of(response)) == (400, code)


def test_a_token_comes_from_the_right_password(api, alice):
    response = api.post("/tokens", json={"username": "Alice", "password": PASSWORD})
    assert response.status_code == 201
    token = response.get_json()["token"]
    assert api.get("/me", headers={"Authorization": f"Bearer {token}"}).get_json()["username"] == "alice"


def test_a_bad_login_says_the_same_whether_or_not_the_name_exists(api, alice):
    wrong_password = api.post("/tokens", json={"username": "alice", "password": "not the password"})
    no_such_user = api.post("/tokens", json={"username": "nobody", "password": "not the password"})
    assert wrong_password.status_code == no_such_user.status_code == 401
    assert wrong_password.get_json() == no_such_user.get_json()


def test_deleting_the_current_token_kills_it(api, alice):
    assert api.as_(alice).delete("/tokens/current").status_code == 204
    response = api.as_(alice).get("/me")
    assert (response.status_code, error_of(response)) == (401, "unauthorized")


def test_revoking_one_token_leaves_the_others_working(api, alice):
    other = api.post("/tokens", json={"username": "alice", "password": PASSWORD}).get_json()["token"]
    api.as_(alice).delete("/tokens/current")
    assert api.get("/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "Basic YWxpY2U6cHc=", "garbage"])
def test_a_missing_or_bad_credential_is_a_401_with_www_authenticate(api, header):
    response = api.get("/me", headers={"Authorization": header})
    assert (response.status_code, error_of(response)) == (401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert api.get("/me").status_code == 401


def test_a_bearer_token_decides_alone_even_beside_a_session_cookie(client, api, auth, alice, bob):
    auth.login("alice")
    assert api.get("/me").get_json()["username"] == "alice"
    assert api.as_(bob).get("/me").get_json()["username"] == "bob"
    response = api.get("/me", headers={"Authorization": "Bearer revoked-or-wrong"})
    assert response.status_code == 401
