"""`flask messages rerender`."""
from sqlalchemy import select, update

from chat.extensions import db
from chat.models import Message, Room, User
from chat.render import RENDERER_VERSION
from tests.conftest import post_message


def stored(app, room_id):
    """{seq: (html, html_version)} of the room's messages."""
    with app.app_context():
        return {m.seq: (m.html, m.html_version) for m in db.session.scalars(
            select(Message).where(Message.room_id == room_id).order_by(Message.seq))}


def test_rerendering_renders_only_the_stale_messages_in_batches_and_says_how_many(app, runner, alice, bob, general):
    for body in ["**one**", "two @bob", "three", "four", "kept as it is"]:
        post_message(app, general, alice, body)
    with app.app_context():
        room = db.session.get(Room, general)
        room.post(db.session.get(User, alice.id), "deleted soon")[0].delete(db.session.get(User, alice.id))
        db.session.execute(update(Message).where(Message.room_id == general, Message.seq.in_([1, 2]))
                           .values(html=None, html_version=None))
        db.session.execute(update(Message).where(Message.room_id == general, Message.seq.in_([3, 4]))
                           .values(html="<p>old</p>", html_version=RENDERER_VERSION - 1))
        db.session.execute(update(Message).where(Message.room_id == general, Message.seq == 5)
                           .values(html="<p>current</p>"))
        db.session.commit()

    result = runner.invoke(args=["messages", "rerender", "--batch", "3"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["... 3", "... 4", f"Re-rendered 4 messages (renderer version {RENDERER_VERSION})."]
    assert stored(app, general) == {
        1: ("<p><strong>one</strong></p>", RENDERER_VERSION),
        2: ('<p>two <span class="mention" data-user="bob">@bob</span></p>', RENDERER_VERSION),
        3: ("<p>three</p>", RENDERER_VERSION),
        4: ("<p>four</p>", RENDERER_VERSION),
        5: ("<p>current</p>", RENDERER_VERSION),  # current already: left alone
        6: ("", RENDERER_VERSION),  # the tombstone
    }
    again = runner.invoke(args=["messages", "rerender"])
    assert again.output == f"Re-rendered 0 messages (renderer version {RENDERER_VERSION}).\n"


def test_a_batch_size_below_one_is_refused(runner):
    result = runner.invoke(args=["messages", "rerender", "--batch", "0"])
    assert result.exit_code == 2 and "--batch" in result.output
