"""What a room's owner, or a site admin, can do: remove, ban, rename, retopic."""
from flask import g
from flask_login import current_user

from chat.api import bp
from chat.api.payload import field, json_body
from chat.models import Ban, User
from chat.scope import MODERATE, needs


@bp.patch("/rooms/<id:room_id>")
@needs(MODERATE)
def change_room():
    """`{"name"?, "topic"?}`: each change is announced in the room."""
    data = json_body()
    g.room.change(current_user, field(data, "name", required=False), field(data, "topic", required=False))
    return g.room.to_json(g.membership)


@bp.delete("/rooms/<id:room_id>/members/<username>")
@needs(MODERATE)
def remove_member(username):
    g.room.remove(current_user, User.called(username))
    return "", 204


@bp.get("/rooms/<id:room_id>/bans")
@needs(MODERATE)
def list_bans():
    return {"bans": [ban.to_json() for ban in Ban.in_room(g.room.id)]}


@bp.post("/rooms/<id:room_id>/bans")
@needs(MODERATE)
def ban_user():
    """`{"username"}`: out of the room, and kept out."""
    user = User.called(field(json_body(), "username"))
    created = g.room.remove(current_user, user, ban=True) is not None
    return Ban.of(g.room.id, user.id).to_json(), 201 if created else 200


@bp.delete("/rooms/<id:room_id>/bans/<username>")
@needs(MODERATE)
def unban_user(username):
    g.room.unban(current_user, User.called(username))
    return "", 204
