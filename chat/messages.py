"""Posting from the plain HTML form, and message permalinks."""
from flask import Blueprint, redirect, url_for
from flask_login import current_user

from chat.access import room_for
from chat.errors import Problem
from chat.forms import MessageForm, show_problem
from chat.models import Message
from chat.rooms import render_room, require_login

bp = Blueprint("messages", __name__)
bp.before_request(require_login)


@bp.post("/rooms/<id:room_id>/messages")
def create(room_id):
    """Post, then show the room at the new message. The form's client_id makes a
    double submit (or a browser resend) store the message once."""
    room, membership = room_for(current_user, room_id, member=True)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            message, _ = room.post(current_user, form.body.data, form.client_id.data or None)
        except Problem as problem:
            show_problem(form, problem)
        else:
            return redirect(url_for("rooms.show", room_id=room.id, _anchor=f"m{message.seq}"))
    return render_room(room, membership, form=form, status=400)


@bp.get("/rooms/<id:room_id>/messages/<id:seq>")
def permalink(room_id, seq):
    """A stable link to one message: the room, opened around it, with it highlighted."""
    room, membership = room_for(current_user, room_id)
    if membership is None:
        return redirect(url_for("rooms.show", room_id=room.id))
    if Message.at(room.id, seq) is None:
        raise Problem(404, "message_not_found", "There is no message with that number in this room.")
    return redirect(url_for("rooms.show", room_id=room.id, around=seq, _anchor=f"m{seq}"))
