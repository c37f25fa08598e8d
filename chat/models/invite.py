"""Invite links: a room's moderator lets people in who are not in it yet.

A link carries the invite's id signed with the app's SECRET_KEY (itsdangerous),
so it cannot be forged, and ids cannot be walked to find other rooms' links.
Its limits (expiry, uses, revocation) live in the row, so they can change
after the link is out, and each use is counted by one conditional UPDATE, so
two people racing for the last use cannot both get it.
"""
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import ForeignKey, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chat.errors import Problem
from chat.extensions import db
from chat.models.ban import Ban
from chat.models.membership import Membership
from chat.models.types import UTCDateTime, iso, utcnow

SALT = "chat-invite"
MAX_HOURS, MAX_USES = 30 * 24, 1000


def not_found():
    return Problem(404, "invite_not_found", "This invite link is not valid. Ask for a new one.")


def gone(why):
    return Problem(410, f"invite_{why}", {
        "expired": "This invite link has expired. Ask for a new one.",
        "used_up": "This invite link has been used as many times as it allows. Ask for a new one.",
        "revoked": "This invite link was withdrawn. Ask for a new one.",
    }[why])


def in_range(value, low, high, field, default):
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Problem(400, "invalid_field", f"'{field}' must be a whole number from {low} to {high}.", field=field)
    return value


class Invite(db.Model):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    max_uses: Mapped[int] = mapped_column()
    uses: Mapped[int] = mapped_column(default=0, server_default="0")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    room = relationship("Room", lazy="joined")
    created_by = relationship("User", lazy="joined")

    @classmethod
    def make(cls, room, by, hours=None, max_uses=None):
        """A new link into `room` from its moderator `by`, or a 400 Problem for bad limits."""
        room.refuse_if_direct("invite anyone into")
        config = current_app.config
        hours = in_range(hours, 1, MAX_HOURS, "expires_in_hours", config["INVITE_HOURS"])
        max_uses = in_range(max_uses, 1, MAX_USES, "max_uses", config["INVITE_MAX_USES"])
        invite = cls(room_id=room.id, created_by_id=by.id, expires_at=utcnow() + timedelta(hours=hours),
                     max_uses=max_uses)
        db.session.add(invite)
        db.session.commit()
        return invite

    @staticmethod
    def signer():
        return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)

    @property
    def token(self):
        return self.signer().dumps(self.id)

    @classmethod
    def from_token(cls, token):
        """The invite a link names, whatever its state, or a 404 Problem for a forged or unknown one."""
        try:
            invite_id = cls.signer().loads(token)
        except BadSignature:
            raise not_found() from None
        invite = db.session.get(cls, invite_id) if isinstance(invite_id, int) else None
        if invite is None:
            raise not_found()
        return invite

    @classmethod
    def usable(cls, token):
        """`from_token`, and a 410 Problem unless it can still let someone in."""
        invite = cls.from_token(token)
        invite.check()
        return invite

    def check(self):
        if self.revoked_at is not None:
            raise gone("revoked")
        if self.expires_at <= utcnow():
            raise gone("expired")
        if self.uses >= self.max_uses:
            raise gone("used_up")

    def take_use(self):
        """Count one use now, or raise the 410 that says why it cannot be had."""
        taken = db.session.execute(update(Invite.__table__).where(
            Invite.id == self.id, Invite.revoked_at.is_(None), Invite.expires_at > utcnow(),
            Invite.uses < Invite.max_uses).values(uses=Invite.uses + 1)).rowcount
        db.session.commit()
        db.session.refresh(self)
        if not taken:
            self.check()
            raise gone("used_up")

    def give_back(self):
        """Return a use taken for a sign-up that then failed."""
        db.session.execute(update(Invite.__table__).where(Invite.id == self.id, Invite.uses > 0)
                           .values(uses=Invite.uses - 1))
        db.session.commit()

    def accept(self, user, counted=False):
        """`user` joins the invite's room; returns (membership, created). A member
        already in it uses nothing; `counted` says a use was taken for them already."""
        existing = Membership.of(self.room_id, user.id)
        if existing is not None:
            if counted:
                self.give_back()
            return existing, False
        if Ban.of(self.room_id, user.id):
            if counted:
                self.give_back()
            raise Problem(403, "banned", "You are banned from this room.")
        if not counted:
            self.take_use()
        return Membership.grant(self.room, user)

    @classmethod
    def in_room(cls, room_id, invite_id):
        """Room `room_id`'s invite `invite_id`, or a 404 Problem."""
        invite = db.session.scalar(select(cls).where(cls.room_id == room_id, cls.id == invite_id))
        if invite is None:
            raise not_found()
        return invite

    def revoke(self):
        """Withdraw the link: it lets nobody else in (those it let in stay)."""
        self.revoked_at = self.revoked_at or utcnow()
        db.session.commit()

    def to_json(self, url):
        return {"id": self.id, "room_id": self.room_id, "url": url, "token": self.token,
                "created_by": self.created_by.username if self.created_by else None,
                "expires_at": iso(self.expires_at), "max_uses": self.max_uses, "uses": self.uses}
