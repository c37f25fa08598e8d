"""Logins remembered for a few seconds per process, so a request is not a query.

Every API call and every stream open names its login (a bearer token or the
session cookie's secret). Looking it up was a query, a pool checkout and a
ping: 14% of a post's CPU and 29% of a stream open's, by the profiles in
bench/RESULTS.md. Here each process remembers, for LOGIN_CACHE_SECONDS, the
login and its user as they were read.

It never outlives a revocation. Whatever changes a user's account or ends one
of their logins calls `chat.realtime.revoke` after its commit: this process
forgets at once, and every other one when the broker brings it the news
(milliseconds). While the broker could drop that news (Redis down, or not yet
subscribed), nothing is remembered, and after an outage everything is
forgotten. An entry still expires after the few seconds, whatever happens.
"""
import time

from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, make_transient_to_detached

from chat import realtime
from chat.extensions import db
from chat.models import AuthToken, Membership, Room, User
from chat.models.token import digest
from chat.models.types import utcnow


class Logins:
    def __init__(self, seconds):
        self.seconds = seconds
        # A login's secret's digest -> (deadline, user id, the token's columns, the user's columns);
        # ("room", user id, room id) -> (deadline, user id, the room's columns, the membership's).
        self.entries = {}
        self.by_user = {}  # user id -> {their keys}
        self.forgets = 0  # how many times anything was forgotten: a lookup that raced one is not kept

    def find(self, secret):
        """The live login for `secret`, with its user, in the request's session; or None."""
        if not isinstance(secret, str) or not secret or len(secret) > 256:
            return None
        if self.seconds <= 0 or not realtime.hears_revocations():
            return AuthToken.find(secret)
        key = digest(secret)
        entry = self.entries.get(key)
        if entry is not None and entry[0] > time.monotonic():
            return alive(revived(entry))
        before = self.forgets
        token = AuthToken.find(secret)
        if token is not None and self.forgets == before:
            self.keep(key, token.user_id, token, token.user)
        return token

    def membership(self, user_id, room_id, look_up):
        """(room, membership) of `user_id` in room `room_id`, remembered like a login
        (a membership ends with a revocation too): `look_up()` reads them when they
        are not remembered. Only a membership that exists is remembered."""
        if self.seconds <= 0 or not realtime.hears_revocations():
            return look_up()
        key = ("room", user_id, room_id)
        entry = self.entries.get(key)
        if entry is not None and entry[0] > time.monotonic():
            _, _, room_columns, membership_columns = entry
            return revived_as(Room, room_columns), revived_as(Membership, membership_columns)
        before = self.forgets
        room, membership = look_up()
        if membership is not None and self.forgets == before:
            self.keep(key, user_id, room, membership)
        return room, membership

    def keep(self, key, user_id, first, second):
        self.entries[key] = (time.monotonic() + self.seconds, user_id, columns(first), columns(second))
        self.by_user.setdefault(user_id, set()).add(key)

    def forget(self, user_id):
        """Drop what is remembered of `user_id` (None: of everyone)."""
        self.forgets += 1
        if user_id is None:
            self.entries, self.by_user = {}, {}
            return
        for key in self.by_user.pop(user_id, ()):
            self.entries.pop(key, None)


def columns(instance):
    return {column.key: getattr(instance, column.key) for column in instance.__mapper__.column_attrs}


def revived(entry):
    """The remembered login and its user as if just loaded: in the session, clean, with no query."""
    _, _, token_columns, user_columns = entry
    user = User(**user_columns)
    token = AuthToken(**token_columns, user=user)
    make_transient_to_detached(user)
    make_transient_to_detached(token)  # as loaded: no change to write
    return db.session.merge(token, load=False)  # and its user with it


def revived_as(cls, values):
    """A row remembered as `values`, in the session as if just loaded."""
    instance = cls(**values)
    make_transient_to_detached(instance)
    return db.session.merge(instance, load=False)


def alive(token):
    """`token`, unless it has expired or its account was deactivated since it was remembered."""
    if (token.expires_at and token.expires_at <= utcnow()) or not token.user.is_active:
        return None
    return token


def init_app(app):
    logins = Logins(app.config["LOGIN_CACHE_SECONDS"])
    app.extensions["logins"] = logins
    realtime.on_revoke(app, logins.forget)


def find(app, secret):
    return app.extensions["logins"].find(secret)


def membership(app, user_id, room_id, look_up):
    return app.extensions["logins"].membership(user_id, room_id, look_up)


# Any committed change to a user row (a name, the admin flag, a deactivation)
# or to one of their memberships (a leave, a removal, a ban, a new role) makes
# every process forget what it remembered of that user. Statements that bypass
# the unit of work (a bulk DELETE of tokens) call realtime.revoke themselves.

@event.listens_for(Session, "after_flush")
def note_changed_users(session, context):
    changed = session.info.setdefault("changed_users", set())
    for instance in list(session.dirty) + list(session.deleted):
        if isinstance(instance, User) and session.is_modified(instance, include_collections=False):
            changed.add(instance.id)
        elif isinstance(instance, Membership) and (instance in session.deleted or session.is_modified(instance)):
            changed.add(instance.user_id)


@event.listens_for(Session, "after_commit")
def revoke_changed_users(session):
    changed = session.info.pop("changed_users", ())
    if changed and has_app_context():
        for user_id in changed:
            realtime.revoke(user_id)


@event.listens_for(Session, "after_rollback")
def drop_changed_users(session):
    session.info.pop("changed_users", None)
