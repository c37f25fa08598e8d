"""The search page: the messages in your rooms that match some words."""
from flask import Blueprint, render_template, request
from flask_login import current_user

from chat.errors import Problem
from chat.models.search import OFFSET_MAX, QUERY_MAX, search, searchable_rooms
from chat.pages import behind_login, navigation
from chat.params import SEQ_MAX, number_arg
from chat.scope import MEMBER, look_up

bp = Blueprint("search", __name__)
behind_login(bp)


@bp.get("/search")
def index():
    """?q=words&room=<id, or empty for all>&offset=n, beside the user's rooms. No
    words yet is the empty form; a query that cannot run is the form again saying
    why, with its 4xx. When nothing matches, the page says so and shows what the
    words find as prefixes (`deplo*`), so "deplo" is one click from "deploy"."""
    q, room = request.args.get("q", ""), request.args.get("room", "")
    form = {"q": q, "room": room, "filters": searchable_rooms(current_user), "query_max": QUERY_MAX, **navigation()}
    if not q.strip():
        return render_template("search/index.html", **form)
    try:
        room_id = number_arg("room", low=1, high=SEQ_MAX) if room else None
        offset = number_arg("offset", low=0, high=OFFSET_MAX, default=0)
        if room_id is not None:
            look_up(room_id, MEMBER)
        results = search(current_user, q, room_id=room_id, offset=offset)
        widened = search(current_user, results.suggestion, room_id=room_id) if results.suggestion else None
    except Problem as problem:
        return render_template("search/index.html", error=problem.message, **form), problem.status
    return render_template("search/index.html", results=results, widened=widened, offset=offset, **form)
