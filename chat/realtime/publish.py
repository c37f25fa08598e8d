"""Announcing events, after the commit: the database already holds the truth."""
import logging

from flask import current_app

from chat.realtime.event import compact

log = logging.getLogger(__name__)


def broker():
    return current_app.extensions["realtime"].broker


def encode(kind, data, seq=None):
    return compact({"type": kind, "seq": seq, "data": data})


def announce(channel, kind, data, seq=None):
    """Publish an event on `channel` (room:<id> or user:<id>). A broker failure is
    logged, not raised: subscribers catch up from the database."""
    try:
        broker().publish(channel, encode(kind, data, seq))
    except Exception:
        log.warning("could not publish %s on %s; subscribers will catch up from the database",
                    kind, channel, exc_info=True)


def online_users(store, room_id):
    """[{id, username}] with a live stream in the room, on any process or node."""
    return users_of(store.online(room_id))


def users_of(members):
    """Presence entries (user id:username:node) -> [{id, username}], by name, once each."""
    users = {}
    for member in members:
        user_id, username, _ = member.split(":", 2)
        users[int(user_id)] = username
    return [{"id": i, "username": name} for i, name in sorted(users.items(), key=lambda item: item[1])]


def announce_presence(store, room_id, limit):
    """Publish the room's online list, unless more than `limit` streams are in it."""
    members = store.online(room_id, limit + 1)
    if len(members) > limit:
        return
    data = {"room_id": room_id, "online": users_of(members)}
    store.publish(f"room:{room_id}", encode("presence", data))
