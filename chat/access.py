"""The one way to look up a room: through the current user's memberships."""
from sqlalchemy import or_

from chat.errors import Problem
from chat.extensions import db
from chat.models import Membership, Message, Room


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


def room_in_charge(user, room_id):
    """(room, membership or None, moderator) for acting in a room: its members,
    and a site admin in any room but other people's direct messages. Anyone else
    gets the 404 of a room that is not there. `moderator`: the room's owner, or
    a site admin."""
    if user.is_admin:
        row = db.session.execute(Room.with_membership_of(user).where(
            Room.id == room_id, or_(Room.dm_key.is_(None), Membership.id.is_not(None)))).first()
    else:
        row = db.session.execute(Room.seen_by(user).where(Room.id == room_id)).first()
    if row is None or (row[1] is None and not user.is_admin):
        raise Problem(404, "room_not_found", "There is no such room, or you are not in it.")
    room, membership = row
    return room, membership, user.is_admin or (membership is not None and membership.is_owner)


def moderated_room(user, room_id):
    """(room, membership or None) for a room `user` moderates, or a Problem:
    404 for a room they cannot act in, 403 for a member who is not its owner."""
    room, membership, moderator = room_in_charge(user, room_id)
    if not moderator:
        raise Problem(403, "owner_only", "Only the room's owner can do that.")
    return room, membership


def message_in(user, room_id, seq, *, reading=False):
    """(message, moderator) for message `seq` of a room `user` can act in. With
    `reading` (what it said before), a site admin must be in the room too: they
    may remove what they cannot read, but reading stays with members."""
    room, membership, moderator = room_in_charge(user, room_id)
    if reading and membership is None:
        raise Problem(404, "room_not_found", "There is no such room, or you are not in it.")
    message = Message.at(room.id, seq)
    if message is None:
        raise Problem(404, "message_not_found", "There is no message with that number in this room.")
    return message, moderator
