"""The owner's forms on a room page: rename, topic, remove, ban."""
from flask import Blueprint, flash, g
from flask_login import current_user

from chat.errors import Problem
from chat.models import User
from chat.pages import back_to, behind_login, render_room
from chat.pages.forms import RoomSettingsForm, show_problem
from chat.scope import MODERATE, needs

bp = Blueprint("moderation", __name__)
behind_login(bp)


@bp.post("/rooms/<id:room_id>/settings")
@needs(MODERATE)
def settings():
    form = RoomSettingsForm()
    if form.validate_on_submit():
        try:
            g.room.change(current_user, form.name.data, form.topic.data)
        except Problem as problem:
            show_problem(form, problem)
        else:
            return back_to(g.room)
    return render_room(g.room, g.membership, settings=form, status=400)


@bp.post("/rooms/<id:room_id>/members/<username>/<any(remove, ban):action>")
@needs(MODERATE)
def remove(username, action):
    """Take a member out (`remove`), or out for good (`ban`)."""
    user = User.called(username)
    g.room.remove(current_user, user, ban=action == "ban")
    flash(f"{user.username} was {'banned' if action == 'ban' else 'removed'}.")
    return back_to(g.room)
