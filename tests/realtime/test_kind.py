"""Events as they travel: a Kind encodes an event once, into a Frame the broker carries as it is."""
import pytest

from chat.realtime.kind import EPHEMERAL, LOG, Frame, Kind, joined, left


def test_an_event_is_its_exact_sse_bytes_and_the_room_and_seq_the_hub_routes_by():
    frame = Kind("message", LOG).to(3, {"body": "hi", "seq": 7}, seq=7)
    assert frame == Frame("room:3", "log", 3, 7, b'event: message\ndata: {"body":"hi","seq":7}\n\n')


def test_a_users_event_travels_on_their_channel_and_names_the_room_it_is_about():
    assert joined(5, 3, 12)[:4] == ("user:5", "join", 3, 12)
    assert left(5, 3, reason="banned").body == b'event: leave\ndata: {"room_id":3,"reason":"banned"}\n\n'


@pytest.mark.parametrize("frame", [
    Kind("message", LOG).to(3, {"body": "two\nlines"}, seq=7),
    Kind("typing", EPHEMERAL).to(3, {"room_id": 3}),
    joined(5, 3, 12, room={"id": 3}),
    left(5, 3),
])
def test_a_frame_comes_out_of_redis_as_it_went_in(frame):
    assert Frame.unpack(frame.channel, frame.pack()) == frame


@pytest.mark.parametrize("payload", [
    b'{"type":"message","seq":7,"data":{}}',  # the JSON envelope of before
    b"log 3 7",  # no body
    b"shout 3 7\nevent: x\n\n",
    b"log three 7\nevent: x\n\n",
    b"\xff\xfe\n",
])
def test_anything_else_on_a_channel_is_refused(payload):
    with pytest.raises(ValueError):
        Frame.unpack("room:3", payload)
