import pytest

from chat.realtime.event import Event, comment, with_id


def test_a_message_event_is_exact_bytes_on_the_wire():
    event = Event('{"body":"hi"}', event="message", id="v1.3-7")
    assert str(event) == 'id: v1.3-7\nevent: message\ndata: {"body":"hi"}\n\n'


def test_every_line_of_multi_line_data_gets_its_own_data_field():
    assert Event("one\ntwo\r\nthree\rfour", event="note").body() == \
        b"event: note\ndata: one\ndata: two\ndata: three\ndata: four\n\n"


def test_the_shared_body_is_stamped_with_each_streams_id():
    body = Event("{}", event="typing").body()
    assert with_id("v1.1-2", body) == b"id: v1.1-2\nevent: typing\ndata: {}\n\n"


def test_retry_and_comments_are_exact_bytes():
    assert Event(retry=3000).body() == b"retry: 3000\n\n"
    assert comment("ping") == b": ping\n\n"


@pytest.mark.parametrize("field", ["id", "event"])
@pytest.mark.parametrize("value", ["a\nevent: forged", "a\rb", "a\r\nb", "nul\x00"])
def test_cr_lf_or_nul_in_a_field_is_refused_so_no_event_can_be_forged(field, value):
    with pytest.raises(ValueError):
        str(Event("{}", **{field: value}))


def test_event_data_is_compact_json_on_one_line():
    from chat.realtime.event import compact

    assert compact({"reason": "malformed_cursor", "room_ids": [1, 2]}) == '{"reason":"malformed_cursor","room_ids":[1,2]}'
