"""Arriving on the site: signing up under the operator's policy, the welcome every
new account gets, and the room a login lands in.

`User.register` stays a plain account maker (tests and `flask demo` use it);
everything a person who signs up should get happens here: the first account
on an empty site becomes its admin and makes #general, and every account
joins #general.
"""
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from chat.errors import Problem
from chat.extensions import db
from chat.models.membership import Membership
from chat.models.room import Room
from chat.models.user import User

LOBBY = "general"
LOBBY_TOPIC = "Everyone is here: say hello."


@dataclass
class Arrival:
    """What signing up did: the account, whether it became the site's admin, the
    lobby it joined (None if there is none), and the room an invite let it into."""

    user: User
    first: bool = False
    lobby: Room | None = None
    room: Room | None = None

    def notes(self):
        """What to tell the person, one sentence each."""
        said = []
        if self.first:
            said.append(f"You are the first account, so you are this site's admin; we made #{LOBBY} "
                        "for everyone, and every new account joins it.")
        elif self.lobby is not None:
            said.append(f"You joined #{self.lobby.name}.")
        if self.room is not None and self.room is not self.lobby:
            said.append(f"You joined {self.room.name}.")
        return said


def policy():
    return current_app.config["SIGNUP"]


def refuse_unless_allowed(invite):
    """Raise the 403 that the site's sign-up policy gives this sign-up (with or without an invite)."""
    if policy() == "closed":
        raise Problem(403, "signup_closed", "This site is not taking new accounts; ask its operator for one.")
    if policy() == "invite" and invite is None:
        raise Problem(403, "invite_required", "This site takes new accounts only through an invite link.")


def sign_up(username, password, invite=None):
    """A new account made through the site (page or API); returns its Arrival.

    With an invite (an Invite, not yet checked), its use is taken before the
    account is made and given back if the account is refused, so a link cannot
    make more accounts than it allows, even under a race.
    """
    refuse_unless_allowed(invite)
    if invite is None:
        return welcome(User.register(username, password))
    invite.take_use()
    try:
        user = User.register(username, password)
    except Problem:
        invite.give_back()
        raise
    arrival = welcome(user)
    membership, _ = invite.accept(user, counted=True)
    arrival.room = membership.room
    return arrival


def welcome(user):
    """What every new account gets, however it was made (the site or the CLI)."""
    first = db.session.scalar(select(func.count()).select_from(User).where(User.id < user.id)) == 0
    if first:
        user.is_admin = True
        db.session.commit()
        lobby = lobby_room() or Room.create(user, LOBBY, LOBBY_TOPIC)
    else:
        lobby = lobby_room()
    if lobby is not None:
        Membership.grant(lobby, user)
    return Arrival(user, first, lobby)


def lobby_room():
    """#general: the oldest public room of that name, if there is one."""
    return db.session.scalar(select(Room).where(Room.name == LOBBY, Room.private.is_(False), Room.dm_key.is_(None))
                             .order_by(Room.id).limit(1))


def landing_room(user):
    """The id of the room a login should open: the last one `user` had open, while
    they are still in it; None sends them to the room list."""
    if user.last_room_id is None or Membership.of(user.last_room_id, user.id) is None:
        return None
    return user.last_room_id
