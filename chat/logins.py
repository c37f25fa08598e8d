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
from collections import OrderedDict

from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.orm import MANYTOONE, Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from chat import realtime
from chat.database import standalone
from chat.extensions import db
from chat.models import AuthToken, Membership, Room, User
from chat.models.token import digest
from chat.models.types import utcnow


class Logins:
    def __init__(self, seconds):
        self.seconds = seconds
        # A login's secret's digest, or ("room", user id, room id) -> (deadline, user id, [(class, columns)]):
        # the user and the token, or the room and the membership. In deadline order, oldest first, so
        # what has expired is dropped from the front as new entries come: a worker that has seen
        # a hundred thousand logins keeps only those of the last few seconds.
        self.entries = OrderedDict()
        self.by_user = {}  # user id -> {their keys}
        self.forgets = 0  # how many times anything was forgotten: a lookup that raced one is not kept

    def find(self, secret):
        """The live login for `secret`, with its user, in the request's session; or None."""
        if not isinstance(secret, str) or not secret or len(secret) > 256:
            return None

        def read():  # one statement outside any transaction, and put in the session as if remembered
            with standalone() as connection:
                rows = AuthToken.read(secret, connection)
            token = rows and alive(revive(rows)[-1])
            return token, token and (token.user_id, rows)
        return self.recall(digest(secret), read, lambda instances: alive(instances[-1]))

    def membership(self, user_id, room_id, look_up):
        """(room, membership) of `user_id` in room `room_id`, remembered like a login
        (a membership ends with a revocation too): `look_up()` reads them when they
        are not remembered. Only a membership that exists is remembered."""
        def read():
            room, membership = look_up()
            if membership is None:
                return (room, membership), None
            return (room, membership), (user_id, [(type(row), columns(row)) for row in (room, membership)])
        return self.recall(("room", user_id, room_id), read, tuple)

    def recall(self, key, read, rebuild):
        """What `key` names: `read()` gives (it, (user id, [its rows, each (class,
        {attribute: value})]) to remember, or None); remembered, it is `rebuild([its
        rows])`, put back in the session as if just loaded, with no query. A read
        that raced a revocation is not kept."""
        if self.seconds <= 0 or not realtime.hears_revocations():
            return read()[0]
        entry = self.entries.get(key)
        if entry is not None and entry[0] > time.monotonic():
            return rebuild(revive(entry[2]))
        before = self.forgets
        found, keep = read()
        if keep and self.forgets == before:
            user_id, rows = keep
            now = time.monotonic()
            self.expire(now)
            self.drop(key)  # a stale entry for the key: the new one goes to the back
            self.entries[key] = (now + self.seconds, user_id, rows)
            self.by_user.setdefault(user_id, set()).add(key)
        return found

    def expire(self, now):
        """Drop the entries whose time is up (they are at the front)."""
        while self.entries:
            key, (deadline, _, _) = next(iter(self.entries.items()))
            if deadline > now:
                return
            self.drop(key)

    def drop(self, key):
        entry = self.entries.pop(key, None)
        if entry is not None:
            keys = self.by_user.get(entry[1])
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self.by_user[entry[1]]

    def forget(self, user_id):
        """Drop what is remembered of `user_id` (None: of everyone)."""
        self.forgets += 1
        if user_id is None:
            self.entries, self.by_user = OrderedDict(), {}
            return
        for key in self.by_user.pop(user_id, ()):
            self.entries.pop(key, None)


def columns(instance):
    return {column.key: getattr(instance, column.key) for column in instance.__mapper__.column_attrs}


def revive(rows):
    """[instance] of `rows` ((class, values) each, as `columns` gave them), each in
    the session as if just loaded. A later row's many-to-one to an earlier one (a
    login's user, a membership's room) is set to it, so it holds it: the session
    holds clean rows only weakly, and reaching it must not be a query."""
    instances = []
    for cls, values in rows:
        instance = revived(cls, values)
        for relation in instance.__mapper__.relationships:
            if relation.direction is MANYTOONE:
                for earlier in instances:
                    if isinstance(earlier, relation.mapper.class_):
                        set_committed_value(instance, relation.key, earlier)
        instances.append(instance)
    return instances


def revived(cls, values):
    """A row remembered as `values`, in the session as if just loaded: clean, no query.
    A many-to-one to a row revived before it (a login's user) is found in the session."""
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
