"""What a room's owner, or a site admin, can do: remove, ban, rename, retopic, deactivate."""
from flask_login import current_user

from chat.access import moderated_room
from chat.api import bp
from chat.api.payload import field, json_body
from chat.errors import Problem
from chat.models import Ban, User


@bp.patch("/rooms/<id:room_id>")
def change_room(room_id):
    """`{"name"?, "topic"?}`: each change is announced in the room."""
    room, membership = moderated_room(current_user, room_id)
    data = json_body()
    room.change(current_user, field(data, "name", required=False), field(data, "topic", required=False))
    return room.to_json(membership)


@bp.delete("/rooms/<id:room_id>/members/<username>")
def remove_member(room_id, username):
    room, _ = moderated_room(current_user, room_id)
    room.remove(current_user, User.called(username))
    return "", 204


@bp.get("/rooms/<id:room_id>/bans")
def list_bans(room_id):
    room, _ = moderated_room(current_user, room_id)
    return {"bans": [ban.to_json() for ban in Ban.in_room(room.id)]}


@bp.post("/rooms/<id:room_id>/bans")
def ban_user(room_id):
    """`{"username"}`: out of the room, and kept out."""
    room, _ = moderated_room(current_user, room_id)
    user = User.called(field(json_body(), "username"))
    created = room.remove(current_user, user, ban=True) is not None
    return Ban.of(room.id, user.id).to_json(), 201 if created else 200


@bp.delete("/rooms/<id:room_id>/bans/<username>")
def unban_user(room_id, username):
    room, _ = moderated_room(current_user, room_id)
    room.unban(current_user, User.called(username))
    return "", 204


@bp.post("/users/<username>/deactivate")
def deactivate_user(username):
    """Site admins only: end the account's sessions, tokens and streams."""
    if not current_user.is_admin:
        raise Problem(403, "admin_only", "Only a site admin can deactivate accounts.")
    user = User.called(username)
    if user.id == current_user.id:
        raise Problem(400, "cannot_deactivate_yourself", "Ask another admin to deactivate your account.")
    user.deactivate()
    return "", 204
