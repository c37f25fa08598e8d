import logging

import pytest

from chat.extensions import db
from chat.models import Message


@pytest.fixture
def app_settings():
    return {"REDIS_URL": "redis://127.0.0.1:1/0"}  # nothing listens there


def test_posting_while_redis_is_down_still_stores_the_message_and_logs_why(app, api, alice, general, caplog):
    with caplog.at_level(logging.WARNING, logger="chat.realtime.hub"):
        response = api.as_(alice).post(f"/rooms/{general}/messages", json={"body": "still here"})
    assert (response.status_code, response.get_json()["seq"]) == (201, 1)
    with app.app_context():
        assert Message.at(general, 1).body == "still here"
        assert db.session.get(Message, response.get_json()["id"]) is not None
    assert "catch up from the database" in caplog.text


def test_the_room_still_answers_with_nobody_online_while_redis_is_down(api, alice, general):
    response = api.as_(alice).get(f"/rooms/{general}")
    assert (response.status_code, response.get_json()["online"]) == (200, [])
