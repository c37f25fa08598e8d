"""Room pages: the directory, a room with its history, joining, inviting, leaving."""
from flask import Blueprint, flash, g, redirect, url_for
from flask_login import current_user

from chat.errors import Problem
from chat.models import Room, onboarding
from chat.pages import back_to, behind_login, render_directory, render_room
from chat.pages.forms import InviteForm, RoomForm, show_problem
from chat.scope import MEMBER, needs

bp = Blueprint("rooms", __name__)
behind_login(bp)


@bp.get("/")
def home():
    """Where the brand link and a login without `next` go: the room the user had open last."""
    room_id = onboarding.landing_room(current_user)
    return redirect(url_for("rooms.show", room_id=room_id) if room_id else url_for("rooms.index"))


@bp.get("/rooms")
def index():
    return render_directory()


@bp.post("/rooms")
def create():
    form = RoomForm()
    if form.validate_on_submit():
        try:
            room = Room.create(current_user, form.name.data, form.topic.data, form.private.data)
        except Problem as problem:
            show_problem(form, problem)
        else:
            return back_to(room)
    return render_directory(form, status=400)


@bp.get("/rooms/<id:room_id>")
def show():
    if g.membership is not None:
        current_user.opened(g.room.id)
    return render_room(g.room, g.membership)


@bp.post("/rooms/<id:room_id>/join")
def join():
    g.room.join(current_user)
    return back_to(g.room)


@bp.post("/rooms/<id:room_id>/invite")
@needs(MEMBER)
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invited, created = g.room.invite(current_user, form.username.data)
        except Problem as problem:
            show_problem(form, problem)
        else:
            name = invited.user.username
            flash(f"{name} is now a member." if created else f"{name} was already a member.")
            return back_to(g.room)
    return render_room(g.room, g.membership, invite=form, status=400)


@bp.post("/rooms/<id:room_id>/leave")
@needs(MEMBER)
def leave():
    g.membership.leave()
    flash(f"You left {g.room.name}.")
    return redirect(url_for("rooms.index"))
