"""Sending: optimistic, retried through network errors, never stored twice."""
import json

from tests.browser.steps import create_room, messages, send, wait_for_bodies


def stored(person, room):
    status, page = person.api().call("GET", f"/rooms/{room}/messages")
    assert status == 200
    return [m["body"] for m in page["messages"]]


def test_a_message_shows_as_pending_then_survives_network_errors_and_is_stored_once(embedded, people):
    alice = people(embedded, "alice")
    room = create_room(alice, "general")
    alice.expected_errors.append("net::ERR_FAILED")
    attempts = []

    def flaky(route):
        attempts.append(json.loads(route.request.post_data))
        if len(attempts) == 1:
            route.abort()  # never reached the server
        elif len(attempts) == 2:
            route.fetch()  # stored on the server, but the answer is lost on the way back
            route.abort()
        else:
            route.continue_()

    alice.page.route("**/api/v1/rooms/*/messages", flaky)
    send(alice, "through a flaky network")
    alice.page.wait_for_selector("#messages li.pending .status:text('Not sent yet, retrying…')")
    assert messages(alice) == [{"seq": None, "body": "through a flaky network", "pending": True}]
    wait_for_bodies(alice, ["through a flaky network"], timeout=20_000)
    # Retried with one client_id; the third try is spared when the stream brings it back first.
    assert len(attempts) in (2, 3) and len({a["client_id"] for a in attempts}) == 1
    assert stored(alice, room) == ["through a flaky network"]
    assert messages(alice) == [{"seq": 1, "body": "through a flaky network", "pending": False}]


def test_messages_sent_in_a_row_keep_their_order(embedded, people):
    alice = people(embedded, "alice")
    room = create_room(alice, "general")
    for n in range(8):
        send(alice, f"quick {n}")
    wait_for_bodies(alice, [f"quick {n}" for n in range(8)])
    assert stored(alice, room) == [f"quick {n}" for n in range(8)]


def test_a_refused_message_gives_its_text_back_with_the_reason(embedded, people):
    alice = people(embedded, "alice")
    room = create_room(alice, "general")
    alice.expected_errors.append("status of 400")
    body = "\u0007bell"  # a control character: the server refuses it
    send(alice, body)
    alert = alice.page.wait_for_selector("#composer .form-errors[role=alert] li")
    assert "control character" in alert.text_content()
    assert alice.page.input_value("#body") == body
    assert messages(alice) == [] and stored(alice, room) == []
