"""A stream that was away while the conversation moved on catches up on all of
it: a reaction, a reply and its thread count, an edit and a neighbour with a
file, each once, in seq order, each showing the message as it now stands."""
import pytest

from tests import sse
from tests.api.test_uploads import image, uploaded
from tests.conftest import edit, say
from tests.sse import caught_up, log_entries


@pytest.fixture
def app_settings(broker_settings, tmp_path):
    return {"STREAM_HEARTBEAT": 0.5, "UPLOADS_DIR": str(tmp_path / "uploads"), **broker_settings}


def away_while_everything_happens(api, alice, bob, general):
    """What happens while bob is away, after the plan (seq 1): the seqs it takes."""
    assert api.as_(bob).call("PUT", f"/rooms/{general}/messages/1/reactions/👍").status_code == 200  # 2
    reply = api.as_(alice).post(f"/rooms/{general}/messages", json={"body": "and **then**?", "reply_to": 1})
    assert reply.status_code == 201 and reply.get_json()["seq"] == 3  # 4: the plan's reply count
    edit(api, alice, general, 1, "the plan, `v2`")  # 5
    file = uploaded(api, alice, general, image(size=(64, 48)), "map.png")
    neighbour = api.as_(alice).post(f"/rooms/{general}/messages", json={"body": "", "attachments": [file["id"]]})
    assert neighbour.status_code == 201 and neighbour.get_json()["seq"] == 6
    return file


def test_a_stream_back_from_an_absence_gets_every_change_exactly_once_as_it_now_stands(
        serve, app, api, client, alice, bob, general):
    _, base = serve(app)
    say(api, alice, general, "the plan")
    stayed = sse.Stream(base, alice.token)  # one that never left, to compare with
    away = sse.Stream(base, bob.token)
    away.take(1, kind="presence")
    cursor = away.cursor
    assert cursor == f"v1.{general}-1"
    away.close()

    file = away_while_everything_happens(api, alice, bob, general)

    back = sse.Stream(base, bob.token, last_event_id=cursor)
    replayed = log_entries(back, 5)
    assert caught_up(back)  # and nothing after: no event twice
    assert [(e["event"], e["data"]["seq"], e["id"]) for e in replayed] == [
        ("reaction", 2, f"v1.{general}-2"), ("message", 3, f"v1.{general}-3"), ("replies", 4, f"v1.{general}-4"),
        ("edit", 5, f"v1.{general}-5"), ("message", 6, f"v1.{general}-6")]
    # Each change carries the plan as it stands now, not as it stood then.
    plan = [e["data"]["message"] for e in replayed if e["event"] in ("reaction", "replies", "edit")]
    for message in plan:
        assert (message["seq"], message["body"], message["html"]) == (1, "the plan, `v2`", "<p>the plan, <code>v2</code></p>")
        assert message["reactions"] == [{"emoji": "👍", "count": 1, "users": ["bob"]}]
        assert message["replies"]["count"] == 1
    reply, neighbour = replayed[1]["data"], replayed[4]["data"]
    assert (reply["reply_to"]["seq"], reply["reply_to"]["excerpt"], reply["html"]) == (
        1, "the plan, `v2`", "<p>and <strong>then</strong>?</p>")
    assert [a["id"] for a in neighbour["attachments"]] == [file["id"]]
    assert (neighbour["attachments"][0]["width"], neighbour["attachments"][0]["height"]) == (64, 48)
    fetched = client.get(neighbour["attachments"][0]["url"], headers={"Authorization": f"Bearer {bob.token}"})
    assert (fetched.status_code, fetched.mimetype) == (200, "image/png")
    fetched.close()

    # The stream that stayed heard the same log entries, in the same order, with the same ids.
    live = log_entries(stayed, 5)
    assert [(e["event"], e["id"]) for e in live] == [(e["event"], e["id"]) for e in replayed]
    assert live[4]["raw"] == replayed[4]["raw"]  # the neighbour has not changed since: the same bytes
    assert caught_up(stayed)
    for stream in (stayed, back):
        stream.close()


def test_a_resume_from_the_middle_of_the_absence_gets_only_what_came_after_its_cursor(
        serve, app, api, alice, bob, general):
    _, base = serve(app)
    say(api, alice, general, "the plan")
    away_while_everything_happens(api, alice, bob, general)
    back = sse.Stream(base, bob.token, last_event_id=f"v1.{general}-3")  # saw the reply, not its count
    assert [(e["event"], e["data"]["seq"]) for e in log_entries(back, 3)] == [
        ("replies", 4), ("edit", 5), ("message", 6)]
    assert caught_up(back)
    back.close()
