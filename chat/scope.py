"""The one way a request reaches a room: through the current user's memberships.

A view whose URL names a room declares what it needs of it with `@needs(...)`
(SEE when it does not). The room and the user's membership of it are looked
up once, after the login check and before the view, into `g.room` and
`g.membership`. A room the user may not reach is a 404, exactly like one that
does not exist, so its existence never leaks. A site admin's reach beyond
their memberships is one flag of the lookup (`Room.reached_by`), and only the
REACH and MODERATE views use it.
"""
from flask import current_app, g, request
from flask_login import current_user

from chat import logins
from chat.errors import Problem
from chat.extensions import db
from chat.models import Room

SEE = "see"            # public rooms, and the user's own; `g.membership` may be None
MEMBER = "member"      # the user's rooms; a public room they have not joined is a 403 not_a_member
REACH = "reach"        # the user's rooms, and for a site admin any room but other people's DMs
MODERATE = "moderate"  # as REACH, and a member who is not an owner gets a 403 owner_only
INSIDE = "inside"      # the user's rooms, and no others: a site admin outside one gets the 404 too


def room_not_found():
    return Problem(404, "room_not_found", "There is no such room, or you are not in it.")


def not_a_member():
    return Problem(403, "not_a_member", "Join this room to read and post in it.")


def owner_only():
    return Problem(403, "owner_only", "Only the room's owner can do that.")


def look_up(room_id, need=SEE, remembered=False):
    """(room, membership or None) of room `room_id` for the current user, or the
    Problem that `need` calls for. With `remembered`, a membership this process
    remembers will do (chat.logins: every process forgets it when it ends)."""
    def read():
        return db.session.execute(Room.reached_by(current_user).where(Room.id == room_id)).first() or (None, None)
    if remembered:
        room, membership = logins.membership(current_app, current_user.id, room_id, read)
    else:
        room, membership = read()
    allow(room, membership, need)
    return room, membership


def allow(room, membership, need):
    """Raise the Problem that `need` calls for, unless the current user may go on in
    `room` (None: there is none) holding `membership`. A view whose need depends on
    its input checks the room it has already looked up with this."""
    if room is None or not reaches(room, membership, need):
        raise room_not_found()
    if need == MEMBER and membership is None:
        raise not_a_member()
    if need == MODERATE and not moderator(membership):
        raise owner_only()


def reaches(room, membership, need):
    """Whether `room`, found by Room.reached_by, is there at all for a view that needs `need`."""
    if membership is not None:
        return True
    if need in (SEE, MEMBER):
        return not room.private
    return need in (REACH, MODERATE) and current_user.is_admin


def moderator(membership):
    """Whether the current user moderates the room they hold `membership` of (None:
    a site admin reaching it): its owner, or a site admin."""
    return current_user.is_admin or (membership is not None and membership.is_owner)


def needs(need, remembered=False):
    """Declare what a view needs of the room its URL names; `remembered`: a
    membership remembered for a few seconds will do (posting, typing: the hot paths)."""
    def declare(view):
        view.room_need, view.room_remembered = need, remembered
        return view
    return declare


def scope(bp):
    """Look up the room of every URL of `bp` that names one (register after the
    blueprint's login check): the view gets `g.room` and `g.membership`, not `room_id`."""
    bp.url_value_preprocessor(take_room_id)
    bp.before_request(resolve)


def take_room_id(endpoint, values):
    if values and "room_id" in values:
        g.room_id = values.pop("room_id")


def resolve():
    if "room_id" in g:
        view = current_app.view_functions[request.endpoint]
        need, remembered = getattr(view, "room_need", SEE), getattr(view, "room_remembered", False)
        g.room, g.membership = look_up(g.room_id, need, remembered)
