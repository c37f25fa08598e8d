"""Rooms and their members."""
from flask_login import current_user

from chat import realtime
from chat.access import room_for
from chat.api import bp
from chat.api.payload import field, json_body
from chat.errors import Problem
from chat.models import Membership, Room
from chat.params import SEQ_MAX


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
def show_room(room_id):
    room, membership = room_for(current_user, room_id)
    counts = Membership.counts(current_user.id, [room.id]).get(room.id)
    data = room.to_json(membership, counts, Room.partners(current_user, [room]).get(room.id))
    if membership is not None:
        data["members"] = [member.to_json() for member in room.members()]
        data["online"] = realtime.online(room.id)
    return data


@bp.post("/rooms/<id:room_id>/members")
def add_member(room_id):
    """`{}` joins a public room; `{"username": ...}` lets a member invite someone."""
    data = json_body()
    username = field(data, "username", required=False)
    if username is None:
        room, _ = room_for(current_user, room_id)
        membership, created = room.join(current_user)
    else:
        room, _ = room_for(current_user, room_id, member=True)
        membership, created = room.invite(username)
    return membership.to_json(), 201 if created else 200


@bp.delete("/rooms/<id:room_id>/members/me")
def leave_room(room_id):
    _, membership = room_for(current_user, room_id, member=True)
    membership.leave()
    return "", 204


@bp.post("/rooms/<id:room_id>/typing")
def typing(room_id):
    """Tell the room's open streams that the caller is typing (nothing is stored)."""
    room, _ = room_for(current_user, room_id, member=True)
    room.typing(current_user)
    return "", 204


@bp.post("/rooms/<id:room_id>/read")
def mark_read(room_id):
    """`{"seq": n}`: the caller has read the room up to n."""
    _, membership = room_for(current_user, room_id, member=True)
    seq = field(json_body(), "seq", int)
    if not 0 <= seq <= SEQ_MAX:
        raise Problem(400, "invalid_field", "'seq' must be a whole number from 0 up.", field="seq")
    return membership.mark_read(seq)
