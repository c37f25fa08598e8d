"""`flask rooms ...`."""
from chat.extensions import db
from chat.models import Room


def test_an_operator_creates_a_private_room_for_an_owner(app, runner, alice):
    result = runner.invoke(args=["rooms", "create", "ops", "--owner", "alice", "--private", "--topic", "Pager"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        room = db.session.scalar(db.select(Room).where(Room.name == "ops"))
        assert (room.private, room.topic, [m.user.username for m in room.members()]) == (True, "Pager", ["alice"])
