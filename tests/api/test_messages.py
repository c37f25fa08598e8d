import pytest


def count(api, who, room):
    return api.as_(who).get(f"/rooms/{room}").get_json()["last_seq"]


def test_posting_returns_the_message_with_its_room_seq(api, alice, general):
    response = api.as_(alice).post(f"/rooms/{general}/messages", json={"body": "hello"})
    assert response.status_code == 201
    message = response.get_json()
    assert {k: message[k] for k in ("room_id", "seq", "author", "body")} == \
        {"room_id": general, "seq": 1, "author": {"id": alice.id, "username": "alice"}, "body": "hello"}
    assert {"id", "created_at"} <= set(message)


def test_a_retried_post_with_the_same_client_id_is_stored_once(api, alice, general):
    first = api.as_(alice).post(f"/rooms/{general}/messages", json={"body": "hi", "client_id": "abc-1"})
    again = api.as_(alice).post(f"/rooms/{general}/messages", json={"body": "hi", "client_id": "abc-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json() == again.get_json()
    assert count(api, alice, general) == 1


@pytest.mark.parametrize("kwargs, status, code", [
    ({"json": {"body": ""}}, 400, "too_short"),
    ({"json": {"body": "   "}}, 400, "too_short"),
    ({"json": {"body": "x" * 4001}}, 400, "too_long"),
    ({"json": {"body": "a\u0000b"}}, 400, "invalid_characters"),
    ({"json": {"body": 42}}, 400, "invalid_field"),
    ({"json": {"body": None}}, 400, "missing_field"),
    ({"json": {}}, 400, "missing_field"),
    ({"json": ["hello"]}, 400, "invalid_json"),
    ({"json": {"body": "hi", "client_id": 5}}, 400, "invalid_field"),
    ({"data": '{"body": "hi"', "content_type": "application/json"}, 400, "invalid_json"),
    ({"data": b'{"body": "\xff"}', "content_type": "application/json"}, 400, "invalid_json"),
    ({"data": '{"body": "\\ud800"}', "content_type": "application/json"}, 400, "invalid_characters"),
    ({"data": "[" * 100000, "content_type": "application/json"}, 400, "invalid_json"),
    ({"data": "body=hi", "content_type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"),
    ({"data": "x" * 200_000, "content_type": "application/json"}, 413, "payload_too_large"),
])
def test_bad_input_gets_a_clear_4xx_and_stores_nothing(api, alice, general, kwargs, status, code):
    api.as_(alice).post(f"/rooms/{general}/messages", json={"body": "before"})
    response = api.as_(alice).post(f"/rooms/{general}/messages", **kwargs)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert count(api, alice, general) == 1


def test_history_pages_backwards_with_before_and_forwards_with_after(app, api, alice, general):
    for i in range(1, 251):
        api.as_(alice).post(f"/rooms/{general}/messages", json={"body": f"m{i}"})
    seen, before = [], None
    while True:
        query = f"?limit=100&before={before}" if before else "?limit=100"
        page = api.as_(alice).get(f"/rooms/{general}/messages{query}").get_json()
        seen = [m["seq"] for m in page["messages"]] + seen
        if not page["has_more"]:
            break
        before = page["messages"][0]["seq"]
    assert seen == list(range(1, 251))
    seen, after = [], 0
    while True:
        page = api.as_(alice).get(f"/rooms/{general}/messages?limit=100&after={after}").get_json()
        seen += [m["seq"] for m in page["messages"]]
        if not page["has_more"]:
            break
        after = page["messages"][-1]["seq"]
    assert seen == list(range(1, 251))


@pytest.mark.parametrize("query", ["?limit=0", "?limit=201", "?limit=x", "?before=-1", "?after=1.5",
                                   "?before=99999999999", "?before=3&after=1", "?after=%EF%BC%91"])
def test_bad_paging_parameters_are_a_400(api, alice, general, query):
    response = api.as_(alice).get(f"/rooms/{general}/messages{query}")
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, "invalid_parameter")


def test_one_message_has_a_stable_address(api, alice, general):
    posted = api.as_(alice).post(f"/rooms/{general}/messages", json={"body": "keep"}).get_json()
    assert api.as_(alice).get(f"/rooms/{general}/messages/1").get_json() == posted
    assert api.as_(alice).get(f"/rooms/{general}/messages/2").status_code == 404


def test_a_non_member_gets_404_on_a_private_room_its_messages_and_posting(api, alice, mallory, secret):
    api.as_(alice).post(f"/rooms/{secret}/messages", json={"body": "psst"})
    for response in (api.as_(mallory).get(f"/rooms/{secret}"),
                     api.as_(mallory).get(f"/rooms/{secret}/messages"),
                     api.as_(mallory).get(f"/rooms/{secret}/messages/1"),
                     api.as_(mallory).post(f"/rooms/{secret}/messages", json={"body": "let me in"})):
        assert (response.status_code, response.get_json()["error"]["code"]) == (404, "room_not_found")
    assert count(api, alice, secret) == 1


def test_a_visitor_of_a_public_room_must_join_before_reading_or_posting(api, mallory, general):
    assert api.as_(mallory).get(f"/rooms/{general}/messages").status_code == 403
    assert api.as_(mallory).post(f"/rooms/{general}/messages", json={"body": "hi"}).status_code == 403


def test_a_plain_post_with_a_remembered_login_is_one_statement_that_commits_itself_on_postgresql(
        app, api, alice, general):
    """Remembered logins and memberships are put back in the session with no query
    (a merge, which autobegins its transaction but touches no connection): the
    post is then its CTE alone, in autocommit. SQLite runs it in a transaction."""
    from sqlalchemy import event

    from chat.extensions import db
    with app.app_context():
        engine = db.engine
    seen = []

    def note(conn, cursor, statement, parameters, context, executemany):
        seen.append((getattr(conn.connection.dbapi_connection, "autocommit", None), statement.split()[0]))
    api.as_(alice).post(f"/rooms/{general}/messages", json={"body": "first: remembers the login and membership"})
    event.listen(engine, "before_cursor_execute", note)
    try:
        response = api.as_(alice).post(f"/rooms/{general}/messages", json={"body": "second"})
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert (response.status_code, response.get_json()["seq"]) == (201, 2)
    if engine.dialect.name == "postgresql":
        assert seen == [(True, "WITH")]
    else:
        assert [kind for _, kind in seen] == ["UPDATE", "UPDATE", "INSERT"]
    assert api.as_(alice).get(f"/rooms/{general}/messages/2").get_json()["body"] == "second"
