"""Searching the messages of the rooms you are in."""
from flask import request
from flask_login import current_user

from chat.api import bp
from chat.models.search import OFFSET_MAX, PAGE, PAGE_MAX, search
from chat.params import SEQ_MAX, number_arg
from chat.scope import MEMBER, look_up


@bp.get("/search")
def search_messages():
    """?q=words (required; `deplo*` is a prefix), &room=<id>, &limit=1..50 (default 20),
    &offset=0..10000; best match first. A room you are not in is refused like everywhere else."""
    room_id = number_arg("room", low=1, high=SEQ_MAX)
    limit = number_arg("limit", low=1, high=PAGE_MAX, default=PAGE)
    offset = number_arg("offset", low=0, high=OFFSET_MAX, default=0)
    if room_id is not None:
        look_up(room_id, MEMBER)
    return search(current_user, request.args.get("q"), room_id=room_id, limit=limit, offset=offset).to_json()
