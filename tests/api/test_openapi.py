"""The OpenAPI document tells the truth: about the routes, and about real responses."""
import re

import pytest
from openapi_spec_validator import validate

from chat.api import PUBLIC
from chat.api.openapi import document
from tests.api.conftest import PREFIX, operations, response_validator
from tests.conftest import PASSWORD


def documented_path(rule):
    """/api/v1/rooms/<id:room_id> -> /rooms/{room_id}"""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix(PREFIX))


def api_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(PREFIX + "/")]


def routes(app):
    return {(documented_path(rule), method.lower())
            for rule in api_rules(app) for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_the_document_is_valid_openapi():
    validate(document())


def test_every_api_route_is_documented_and_every_documented_operation_is_a_route(app):
    assert set(operations()) == routes(app)


def test_the_endpoints_that_need_no_login_are_the_ones_documented_as_public(app):
    public = {(documented_path(rule), method.lower()) for rule in api_rules(app) if rule.endpoint in PUBLIC
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert {key for key, operation in operations().items() if operation.get("security") == []} == public


def test_the_document_is_served_without_a_login(api):
    response = api.get("/openapi.json")
    assert (response.status_code, response.mimetype) == (200, "application/json")
    assert response.get_json() == document()


@pytest.fixture
def hello(api, alice, general):
    """alice's first message in general, posted with a client_id."""
    api.as_(alice).post(f"/rooms/{general}/messages", json={"body": "hello", "client_id": "hello-1"})


CALLS = [
    (None, "POST", "/users", {"username": "carol", "password": PASSWORD}, 201),
    (None, "POST", "/users", {"username": "alice", "password": PASSWORD}, 409),
    (None, "POST", "/users", {"username": "carol", "password": "short"}, 400),
    (None, "POST", "/tokens", {"username": "alice", "password": PASSWORD}, 201),
    (None, "POST", "/tokens", {"username": "alice", "password": "wrong" + PASSWORD}, 401),
    ("alice", "DELETE", "/tokens/current", None, 204),
    (None, "GET", "/me", None, 401),
    ("alice", "GET", "/me", None, 200),
    ("mallory", "GET", "/rooms", None, 200),
    ("alice", "GET", "/rooms", None, 200),
    ("alice", "POST", "/rooms", {"name": "design", "topic": "Pixels", "private": True}, 201),
    ("alice", "POST", "/rooms", {"name": ""}, 400),
    ("alice", "GET", "/rooms/{general}", None, 200),
    ("mallory", "GET", "/rooms/{general}", None, 200),
    ("mallory", "GET", "/rooms/{secret}", None, 404),
    ("mallory", "POST", "/rooms/{general}/members", {}, 201),
    ("bob", "POST", "/rooms/{general}/members", {}, 200),
    ("alice", "POST", "/rooms/{secret}/members", {"username": "bob"}, 201),
    ("alice", "POST", "/rooms/{secret}/members", {"username": "nobody"}, 404),
    ("mallory", "POST", "/rooms/{general}/members", {"username": "mallory"}, 403),
    ("bob", "DELETE", "/rooms/{general}/members/me", None, 204),
    ("alice", "GET", "/rooms/{general}/messages", None, 200),
    ("alice", "GET", "/rooms/{general}/messages?after=0&limit=1", None, 200),
    ("alice", "GET", "/rooms/{general}/messages?before=1&after=1", None, 400),
    ("mallory", "GET", "/rooms/{general}/messages", None, 403),
    ("alice", "POST", "/rooms/{general}/messages", {"body": "hi"}, 201),
    ("alice", "POST", "/rooms/{general}/messages", {"body": "hello", "client_id": "hello-1"}, 200),
    ("alice", "GET", "/rooms/{general}/messages/1", None, 200),
    ("alice", "GET", "/rooms/{general}/messages/99", None, 404),
    ("bob", "POST", "/rooms/{general}/typing", None, 204),
    ("mallory", "POST", "/rooms/{general}/typing", None, 403),
    ("mallory", "POST", "/rooms/{secret}/typing", None, 404),
    ("bob", "POST", "/rooms/{general}/read", {"seq": 1}, 200),
    ("bob", "POST", "/rooms/{general}/read", {"seq": -1}, 400),
    ("bob", "POST", "/rooms/{general}/read", {}, 400),
    # Only the refusal: a successful stream never ends.
    (None, "GET", "/stream", None, 401),
]


@pytest.mark.parametrize("who, method, url, body, status", CALLS,
                         ids=[f"{who or 'anyone'} {method} {url} {status}" for who, method, url, *_, status in CALLS])
def test_a_real_response_matches_the_schema_documented_for_its_status(
        request, app, api, general, secret, hello, who, method, url, body, status):
    url = url.format(general=general, secret=secret)
    caller = api.as_(request.getfixturevalue(who)) if who else api
    response = caller.call(method, url, json=body)
    assert response.status_code == status, response.get_data(as_text=True)

    rule, _ = app.url_map.bind("localhost").match(PREFIX + url.split("?")[0], method, return_rule=True)
    validator = response_validator(documented_path(rule), method.lower(), status)
    if validator is None:
        assert response.get_data() == b""
    else:
        assert response.mimetype == "application/json"
        validator.validate(response.get_json())
