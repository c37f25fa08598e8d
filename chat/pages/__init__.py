"""The HTML pages: one blueprint per area, and what they share.

Every page works without JavaScript. A form that a model refuses is shown
again with the model's words beside the field, and a 400.
"""
import uuid

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from chat import markup, realtime, render
from chat.extensions import login_manager
from chat.models import Membership, Message, Room
from chat.models.types import iso
from chat.models.unread import Unread, unread_of
from chat.pages.forms import DirectForm, InviteForm, MessageForm, RoomForm, RoomSettingsForm
from chat.params import SEQ_MAX, number_arg
from chat.scope import moderator, scope

PAGE = 50
# A room opened at its first unread message shows this many read ones above it.
LEAD = 3
NOTHING_UNREAD = Unread(None, 0)
# Where a live page goes when its room's owner takes the reader out (static/js/unread.js).
LEFT = {"removed": "A room's owner removed you from it.",
        "banned": "A room's owner banned you from it: you cannot join it again."}


def register_filters(app):
    app.add_template_filter(render.for_reader, "for_reader")
    app.add_template_filter(markup.happened, "happened")
    app.add_template_test(render.mentions, "mentioning")
    app.add_template_filter(iso, "iso")


def require_login():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def behind_login(bp):
    """Every page of `bp` needs a login, and a room in its URL is looked up once (chat.scope)."""
    bp.before_request(require_login)
    scope(bp)


def render_directory(form=None, dm=None, status=200):
    """The rooms page: the user's rooms, the others they may join, and the forms to
    make a room or open a direct message."""
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


def navigation():
    """The sidebar of a page that is in no room (search): the user's rooms and DMs
    with their counts, kept live by a stream from where the page was made."""
    cursor = realtime.cursor_of(Room.positions_of(current_user))
    rooms = Room.joined_by(current_user)
    return {"cursor": cursor, "rooms": rooms, **sidebar(rooms)}


def render_room(room, membership, form=None, invite=None, settings=None, status=200):
    """The room page: a window of history (?before=, ?after= or ?around=), the
    user's rooms, members and who is online, and the composer."""
    if membership is None:  # a public room, previewed read-only with a Join button (chat.scope 404s the rest)
        return render_template("rooms/preview.html", room=room, **history_window(room, latest=room.last_seq)), status
    # The stream's starting point is read before the history, so nothing posted
    # in between can fall through the gap (what both show is shown once).
    positions = Room.positions_of(current_user)
    window = history_window(room, latest=positions[room.id], unread=unread_of(membership))
    if window["messages"]:
        membership.mark_read(window["messages"][-1].seq)
    rooms = Room.joined_by(current_user)
    return render_template(
        "rooms/show.html", room=room, membership=membership, cursor=realtime.cursor_of(positions), **window,
        rooms=rooms, **sidebar(rooms), members=room.members(), online=realtime.online(room.id),
        moderator=moderator(membership), settings=settings or RoomSettingsForm(name=room.name, topic=room.topic),
        form=form or MessageForm(client_id=uuid.uuid4().hex), invite=invite or InviteForm(),
    ), status


def history_window(room, latest, unread=NOTHING_UNREAD):
    """The page of messages the query string asks for, and what lies beyond it, up
    to `latest` (where the page's stream starts: newer ones reach it live). With
    no query the latest page, or, when the first `unread` message is older than
    that, the page from a few messages before it."""
    before = number_arg("before", low=1, high=SEQ_MAX)
    after = number_arg("after", low=0, high=SEQ_MAX)
    around = number_arg("around", low=1, high=SEQ_MAX)
    if around is not None:
        before = min(around + PAGE // 2 + 1, SEQ_MAX)
    messages, _ = Message.page(room.id, before=before, after=after, limit=PAGE)
    if before is None and after is None and messages and unread.seq and unread.seq < messages[0].seq:
        messages = from_unread(room, unread.seq)
    # Seqs also number edits and deletes, so "newer" means a newer *message*.
    return {"messages": messages, "highlight": around, "unread": unread,
            "has_older": bool(messages) and messages[0].seq > 1,
            "has_newer": bool(messages) and Message.any_between(room.id, messages[-1].seq, latest)}


def from_unread(room, seq):
    """A page that starts LEAD messages before message `seq`, for context."""
    lead, _ = Message.page(room.id, before=seq, limit=LEAD)
    rest, _ = Message.page(room.id, after=seq - 1, limit=PAGE - len(lead))
    return lead + rest


def back_to(room):
    return redirect(url_for("rooms.show", room_id=room.id))
