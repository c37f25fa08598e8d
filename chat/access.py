"""The one way to look up a room: through the current user's memberships."""
from chat.errors import Problem
from chat.extensions import db
from chat.models import Room


def room_for(user, room_id, *, member=False):
    """(room, membership or None) for a room `user` may see.

    A private room they do not belong to is a 404 exactly like a room that
    does not exist, so its existence never leaks. With `member`, a visible
    public room they have not joined is a 403.
    """
    row = db.session.execute(Room.seen_by(user).where(Room.id == room_id)).first()
    if row is None:
        raise Problem(404, "room_not_found", "There is no such room, or you are not in it.")
    room, membership = row
    if member and membership is None:
        raise Problem(403, "not_a_member", "Join this room to read and post in it.")
    return room, membership
