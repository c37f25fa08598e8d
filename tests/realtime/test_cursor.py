import pytest

from chat.realtime import cursor
from chat.realtime.cursor import plan


def test_a_cursor_round_trips_every_rooms_position():
    positions = {3: 7, 12: 0, 99: 123456}
    assert cursor.dump(positions) == "v1.3-7.12-0.99-123456"
    assert cursor.load(cursor.dump(positions)) == positions
    assert cursor.load("v1") == {}


@pytest.mark.parametrize("text", ["", "v2.1-1", "v1.1", "v1.a-1", "v1.1-1.", "1-1", "v1.1--1", "v1.1-1\n", 7])
def test_anything_else_is_not_a_cursor(text):
    assert cursor.load(text) is None


def test_a_first_connection_starts_every_room_at_its_latest_seq():
    assert plan({1: 5, 2: 0}, None) == ({1: 5, 2: 0}, [])


def test_a_cursor_resumes_each_named_room_exactly_and_others_from_now():
    assert plan({1: 50, 2: 9, 3: 4}, "v1.1-40.2-9") == ({1: 40, 2: 9, 3: 4}, [])


def test_a_malformed_cursor_is_a_reset_not_a_silent_skip():
    positions, resets = plan({1: 50}, "garbage")
    assert positions == {1: 50}
    assert resets == [{"reason": "malformed_cursor", "room_ids": [1]}]


def test_a_room_the_user_left_or_a_seq_it_never_had_is_a_reset():
    positions, resets = plan({1: 50, 2: 3}, "v1.1-40.7-2.2-99")
    assert positions == {1: 40, 2: 3}
    assert resets == [{"reason": "not_a_member", "room_ids": [7]},
                      {"reason": "unknown_position", "room_ids": [2]}]
