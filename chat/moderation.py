"""The owner's forms on a room page (rename, topic, remove, ban), and starting a DM."""
from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user

from chat.access import moderated_room
from chat.errors import Problem
from chat.forms import DirectForm, RoomSettingsForm, show_problem
from chat.models import Room, User
from chat.rooms import index, render_room, require_login

bp = Blueprint("moderation", __name__)
bp.before_request(require_login)


@bp.post("/rooms/<id:room_id>/settings")
def settings(room_id):
    room, membership = moderated_room(current_user, room_id)
    form = RoomSettingsForm()
    if form.validate_on_submit():
        try:
            room.change(current_user, form.name.data, form.topic.data)
        except Problem as problem:
            show_problem(form, problem)
        else:
            return redirect(url_for("rooms.show", room_id=room.id))
    return render_room(room, membership, settings=form, status=400)


@bp.post("/rooms/<id:room_id>/members/<username>/<any(remove, ban):action>")
def remove(room_id, username, action):
    """Take a member out (`remove`), or out for good (`ban`)."""
    room, _ = moderated_room(current_user, room_id)
    user = User.called(username)
    room.remove(current_user, user, ban=action == "ban")
    flash(f"{user.username} was {'banned' if action == 'ban' else 'removed'}.")
    return redirect(url_for("rooms.show", room_id=room.id))


@bp.post("/dms")
def direct():
    """Open the DM with someone: from a member list's "Message" button or the directory's form."""
    form = DirectForm()
    if form.validate_on_submit():
        try:
            room, _ = Room.between(current_user, form.username.data)
        except Problem as problem:
            show_problem(form, problem)
        else:
            return redirect(url_for("rooms.show", room_id=room.id))
    return index(dm=form, status=400)
