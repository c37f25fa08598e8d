"""Posting from the plain HTML form, and message permalinks."""
from flask import Blueprint, g, redirect, url_for
from flask_login import current_user

from chat.errors import Problem
from chat.models import Message, Upload
from chat.pages import back_to, behind_login, render_room
from chat.pages.forms import MessageForm, show_problem
from chat.scope import MEMBER, needs
from chat.storage import takes_files

bp = Blueprint("messages", __name__)
behind_login(bp)


@bp.post("/rooms/<id:room_id>/messages")
@needs(MEMBER)
@takes_files
def create():
    """Post, then show the room at the new message. The form's client_id makes a
    double submit (or a browser resend) store the message once. A file chosen
    in the form is uploaded and attached (if the post is then refused, it stays
    unposted until `flask uploads cleanup`)."""
    form = MessageForm()
    if form.validate_on_submit():
        try:
            files = [Upload.store(g.room, current_user, form.file.data).id] if form.file.data else None
            message, _ = g.room.post(current_user, form.body.data, form.client_id.data or None, attachments=files)
        except Problem as problem:
            show_problem(form, problem)
        else:
            return redirect(url_for("rooms.show", room_id=g.room.id, _anchor=f"m{message.seq}"))
    return render_room(g.room, g.membership, form=form, status=400)


@bp.get("/rooms/<id:room_id>/messages/<id:seq>")
def permalink(seq):
    """A stable link to one message: the room, opened around it, with it highlighted."""
    if g.membership is None:
        return back_to(g.room)
    Message.numbered(g.room.id, seq)
    return redirect(url_for("rooms.show", room_id=g.room.id, around=seq, _anchor=f"m{seq}"))
