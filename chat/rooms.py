"""Room pages: the directory, a room with its history, joining, inviting, leaving."""
import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from chat import markup, realtime
from chat.access import room_for
from chat.errors import Problem
from chat.extensions import login_manager
from chat.forms import DirectForm, InviteForm, MessageForm, RoomForm, RoomSettingsForm, show_problem
from chat.models import Membership, Message, Room
from chat.models.types import iso
from chat.params import SEQ_MAX, number_arg

bp = Blueprint("rooms", __name__)
bp.add_app_template_filter(markup.rich, "rich")
bp.add_app_template_filter(markup.happened, "happened")
bp.add_app_template_test(markup.mentions, "mentioning")
bp.add_app_template_filter(iso, "iso")
PAGE = 50
# Where a live page goes when its room's owner takes the reader out (static/js/unread.js).
LEFT = {"removed": "A room's owner removed you from it.",
        "banned": "A room's owner banned you from it: you cannot join it again."}


@bp.before_request
def require_login():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.get("/")
def home():
    return redirect(url_for("rooms.index"))


@bp.get("/rooms")
def index(form=None, status=200, dm=None):
    cursor = realtime.cursor_of(Room.positions_of(current_user))
    rooms = Room.directory(current_user)
    mine = [(room, membership) for room, membership in rooms if membership is not None]
    others = [room for room, membership in rooms if membership is None]
    return render_template("rooms/index.html", mine=mine, others=others, cursor=cursor, notice=LEFT.get(
        request.args.get("left")), form=form or RoomForm(), dm=dm or DirectForm(), **sidebar(mine)), status


def sidebar(rooms):
    """What a list of the user's rooms shows: unread and mention counts, and whom each DM is with."""
    return {"counts": Membership.counts(current_user.id),
            "partners": Room.partners(current_user, [room for room, _ in rooms])}


@bp.post("/rooms")
def create():
    form = RoomForm()
    if form.validate_on_submit():
        try:
            room = Room.create(current_user, form.name.data, form.topic.data, form.private.data)
        except Problem as problem:
            show_problem(form, problem)
        else:
            return redirect(url_for("rooms.show", room_id=room.id))
    return index(form, 400)


@bp.get("/rooms/<id:room_id>")
def show(room_id):
    room, membership = room_for(current_user, room_id)
    return render_room(room, membership)


def render_room(room, membership, form=None, invite=None, settings=None, status=200):
    """The room page: a window of history (?before=, ?after= or ?around=), the
    user's rooms, members and who is online, and the composer."""
    if membership is None:
        return render_template("rooms/show.html", room=room, membership=None), status
    # The stream's starting point is read before the history, so nothing posted
    # in between can fall through the gap (what both show is shown once).
    positions = Room.positions_of(current_user)
    window = history_window(room, latest=positions[room.id])
    if window["messages"]:
        membership.mark_read(window["messages"][-1].seq)
    rooms = Room.joined_by(current_user)
    moderator = current_user.is_admin or membership.is_owner
    return render_template(
        "rooms/show.html", room=room, membership=membership, cursor=realtime.cursor_of(positions), **window,
        rooms=rooms, **sidebar(rooms), members=room.members(), online=realtime.online(room.id),
        moderator=moderator, settings=settings or RoomSettingsForm(name=room.name, topic=room.topic),
        form=form or MessageForm(client_id=uuid.uuid4().hex), invite=invite or InviteForm(),
    ), status


def history_window(room, latest):
    """The page of messages the query string asks for, and what lies beyond it, up
    to `latest` (where the page's stream starts: newer ones reach it live)."""
    before = number_arg("before", low=1, high=SEQ_MAX)
    after = number_arg("after", low=0, high=SEQ_MAX)
    around = number_arg("around", low=1, high=SEQ_MAX)
    if around is not None:
        before = min(around + PAGE // 2 + 1, SEQ_MAX)
    messages, _ = Message.page(room.id, before=before, after=after, limit=PAGE)
    # Seqs also number edits and deletes, so "newer" means a newer *message*.
    return {"messages": messages, "highlight": around,
            "has_older": bool(messages) and messages[0].seq > 1,
            "has_newer": bool(messages) and Message.any_between(room.id, messages[-1].seq, latest)}


@bp.post("/rooms/<id:room_id>/join")
def join(room_id):
    room, _ = room_for(current_user, room_id)
    room.join(current_user)
    return redirect(url_for("rooms.show", room_id=room.id))


@bp.post("/rooms/<id:room_id>/invite")
def invite(room_id):
    room, membership = room_for(current_user, room_id, member=True)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invited, created = room.invite(form.username.data)
        except Problem as problem:
            show_problem(form, problem)
        else:
            name = invited.user.username
            flash(f"{name} is now a member." if created else f"{name} was already a member.")
            return redirect(url_for("rooms.show", room_id=room.id))
    return render_room(room, membership, invite=form, status=400)


@bp.post("/rooms/<id:room_id>/leave")
def leave(room_id):
    room, membership = room_for(current_user, room_id, member=True)
    membership.leave()
    flash(f"You left {room.name}.")
    return redirect(url_for("rooms.index"))
