"""Direct messages: one private room per pair of people."""
from flask_login import current_user

from chat.api import bp
from chat.api.payload import field, json_body
from chat.models import Room


@bp.post("/dms")
def open_dm():
    """`{"username"}`: the caller's DM room with that person, made on first use."""
    room, created = Room.between(current_user, field(json_body(), "username"))
    partner = Room.partners(current_user, [room])[room.id]
    return room.to_json(room.membership_of(current_user), partner=partner), 201 if created else 200
