"""What the models tell open streams: the only model code that knows chat.realtime exists.

Each kind of event the models announce is defined here, once: its SSE name and
its route (which is its channel) just below, and its JSON in the one function
that announces it. A room's log entries share one definition, `logged`, for
both of their paths: announced live after their commit, and read back by
chat.models.reads for a stream that resumes. So a replayed entry is the same
bytes as the live one, unless the message has changed since.
"""
from chat import realtime
from chat.realtime import EPHEMERAL, LOG, PERSONAL, Kind

# The room's log, by the `kind` of the entry (a Message's or a RoomEvent's).
IN_LOG = {
    "message": Kind("message", LOG),
    "system": Kind("room", LOG),  # a system message: "alice removed mallory", a rename, a topic
    "edit": Kind("edit", LOG),
    "delete": Kind("delete", LOG),
    "replies": Kind("replies", LOG),
    "reaction": Kind("reaction", LOG),
}
TYPING = Kind("typing", EPHEMERAL)
MEMBER = Kind("member", EPHEMERAL)  # someone joined or left: for the members panel
READ = Kind("read", PERSONAL)  # unread and mention counts, for the reader's other tabs


def logged(entry):
    """The frame of an entry of its room's log: the message (or the change) as it now stands."""
    return IN_LOG[entry.kind].to(entry.room_id, entry.to_json(), seq=entry.seq)


def announce_logged(*entries):
    """After their commit: the room's open streams get its new log entries."""
    for entry in entries:
        realtime.announce(logged(entry))


def typing(room, user):
    realtime.announce(TYPING.to(room.id, {"room_id": room.id, "user": user.to_json()}))


def membership_changed(action, user, room, room_json=None, reason=None):
    """`user` joined or left `room`: their open streams start or stop carrying it
    (a join brings `room_json`, for their sidebar), and the room hears who."""
    if action == "join":
        realtime.announce(realtime.joined(user.id, room.id, room.last_seq, room_json))
    else:
        realtime.announce(realtime.left(user.id, room.id, room.last_seq, reason))
    realtime.announce(MEMBER.to(room.id, {"room_id": room.id, "action": action, "user": user.to_json()}))


def read(membership, marker):
    """The member's read marker moved: `marker` is its room, seq and counts."""
    realtime.announce(READ.to(membership.user_id, marker))


def logins_changed(user_id):
    """After the commit: no process may go on trusting what it remembered of `user_id`'s logins."""
    realtime.revoke(user_id)


def signed_out(user):
    realtime.announce(realtime.signed_out(user.id, "deactivated"))
