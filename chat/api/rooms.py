"""Rooms and their members."""
from flask import g
from flask_login import current_user

from chat import realtime
from chat.api import bp
from chat.api.payload import field, json_body
from chat.errors import Problem
from chat.models import Membership, Room
from chat.params import SEQ_MAX
from chat.scope import MEMBER, allow, needs


@bp.get("/rooms")
def list_rooms():
    rooms = Room.directory(current_user)
    counts = Membership.counts(current_user.id)
    partners = Room.partners(current_user, [room for room, _ in rooms])
    return {"rooms": [room.to_json(membership, counts.get(room.id), partners.get(room.id))
                      for room, membership in rooms]}


@bp.post("/rooms")
def create_room():
    data = json_body()
    room = Room.create(current_user, field(data, "name"), field(data, "topic", required=False),
                       field(data, "private", bool, required=False) or False)
    return room.to_json(room.memberships[0]), 201


@bp.get("/rooms/<id:room_id>")
def show_room():
    room, membership = g.room, g.membership
    counts = Membership.counts(current_user.id, [room.id]).get(room.id)
    data = room.to_json(membership, counts, Room.partners(current_user, [room]).get(room.id))
    if membership is not None:
        data["members"] = [member.to_json() for member in room.members()]
        data["online"] = realtime.online(room.id)
    return data


@bp.post("/rooms/<id:room_id>/members")
def add_member():
    """`{}` joins a public room; `{"username": ...}` lets a member invite someone."""
    username = field(json_body(), "username", required=False)
    if username is None:
        membership, created = g.room.join(current_user)
    else:
        allow(g.room, g.membership, MEMBER)
        membership, created = g.room.invite(current_user, username)
    return membership.to_json(), 201 if created else 200


@bp.delete("/rooms/<id:room_id>/members/me")
@needs(MEMBER)
def leave_room():
    g.membership.leave()
    return "", 204


@bp.post("/rooms/<id:room_id>/typing")
@needs(MEMBER, remembered=True)
def typing():
    """Tell the room's open streams that the caller is typing (nothing is stored)."""
    g.room.typing(current_user)
    return "", 204


@bp.post("/rooms/<id:room_id>/read")
@needs(MEMBER)
def mark_read():
    """`{"seq": n}`: the caller has read the room up to n."""
    seq = field(json_body(), "seq", int)
    if not 0 <= seq <= SEQ_MAX:
        raise Problem(400, "invalid_field", "'seq' must be a whole number from 0 up.", field="seq")
    return g.membership.mark_read(seq)
