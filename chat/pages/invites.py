"""Invite links: a moderator makes one from the room page; whoever opens it sees
which room it is for and signs up through it (logged out) or joins (logged in).

The link's own pages work without a login; making one needs the room's
moderator. A link that is forged, expired, used up or withdrawn is a page
that says so, with a 404 or 410 (chat.models.invite).
"""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from chat.errors import Problem
from chat.limits import signup_limited
from chat.models import Invite, Membership, onboarding
from chat.pages import require_login
from chat.pages.auth import arrive
from chat.pages.forms import InviteLinkForm, SignupForm, show_problem
from chat.scope import MODERATE, needs, scope

bp = Blueprint("invites", __name__)
bp.add_app_template_global(InviteLinkForm, "InviteLinkForm")  # the room page's form (rooms/_invite_link.html)
# What someone holding a link may open before they have an account.
OPEN = {"invites.show", "invites.signup"}


@bp.before_request
def require_login_past_the_link():
    return None if request.endpoint in OPEN else require_login()


scope(bp)


@bp.post("/rooms/<id:room_id>/invites")
@needs(MODERATE)
def create():
    form = InviteLinkForm()
    if not form.validate_on_submit():
        raise Problem(400, "invalid_field", "Choose how long the link lasts and how many people may use it.")
    invite = Invite.make(g.room, current_user, form.hours.data, form.max_uses.data)
    return redirect(url_for("invites.show", token=invite.token))


@bp.get("/invites/<token>")
def show(token):
    return render_invite(Invite.usable(token))


@bp.post("/invites/<token>/signup")
@signup_limited
def signup(token):
    invite = Invite.usable(token)
    form = SignupForm()
    if form.validate_on_submit():
        try:
            return arrive(onboarding.sign_up(form.username.data, form.password.data, invite),
                          url_for("rooms.show", room_id=invite.room_id))
        except Problem as problem:
            show_problem(form, problem)
            return render_invite(invite, form, 400 if problem.field else problem.status)
    return render_invite(invite, form, 400)


@bp.post("/invites/<token>/join")
def join(token):
    invite = Invite.usable(token)
    _, created = invite.accept(current_user)
    flash(f"You joined {invite.room.name}." if created else f"You are already in {invite.room.name}.")
    return redirect(url_for("rooms.show", room_id=invite.room_id))


def render_invite(invite, form=None, status=200):
    """The link's page: what it lets you into, and the way in for whoever is looking."""
    member = current_user.is_authenticated and Membership.of(invite.room_id, current_user.id) is not None
    url = url_for("invites.show", token=invite.token, _external=True)
    return render_template("invites/show.html", invite=invite, room=invite.room, member=member, url=url,
                           form=form or SignupForm(), policy=onboarding.policy()), status
