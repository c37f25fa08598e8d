"""People who chat."""
import unicodedata
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import String, delete, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chat.errors import Problem
from chat.extensions import db
from chat.models import broadcasts, passwords
from chat.models.token import AuthToken
from chat.models.types import UTCDateTime, utcnow

USERNAME_PUNCTUATION = set("_-.")
PASSWORD_MIN, PASSWORD_MAX = 12, 128
# The most common passwords that are long enough to pass the length rule.
COMMON_PASSWORDS = frozenset("""
123456789012 1234567890123 12345678901234 123456789123 111111111111 000000000000
password1234 password12345 password123456 passwordpassword qwertyuiop12 qwertyuiop123
qwertyuiopasdf qwerty123456 1q2w3e4r5t6y 1qaz2wsx3edc iloveyou1234 letmein12345
welcome12345 abcdefghijkl abc123456789 administrator changeme1234 trustno1trustno1
football1234 baseball1234 monkey123456 dragon123456 sunshine1234 princess1234
""".split())


def normalize_username(name):
    """The display form: NFKC, so fullwidth and compatibility characters fold."""
    return unicodedata.normalize("NFKC", name.strip())


def username_key(name):
    """The identity of a name: NFKC + casefold ("Alice", "alice" and "ａｌｉｃｅ" are one)."""
    return unicodedata.normalize("NFKC", normalize_username(name).casefold())


def check_username(name):
    """The normalised username, or a 400 Problem saying what is wrong with it."""
    if not isinstance(name, str):
        raise Problem(400, "invalid_field", "Username must be text.", field="username")
    name = normalize_username(name)
    if not 3 <= len(name) <= 32:
        raise Problem(400, "invalid_username", "Username must be 3 to 32 characters.", field="username")
    for i, ch in enumerate(name):
        kind = unicodedata.category(ch)[0]
        if not (kind == "L" or unicodedata.category(ch) == "Nd" or ch in USERNAME_PUNCTUATION
                or (kind == "M" and i > 0)):
            raise Problem(400, "invalid_username",
                          "Username may use only letters, digits, '_', '-' and '.'.", field="username")
    return name


def check_password(password, username):
    """Raise a 400 Problem unless the password is long, uncommon and not the username."""
    if not isinstance(password, str):
        raise Problem(400, "invalid_field", "Password must be text.", field="password")
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise Problem(400, "invalid_password",
                      f"Password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters.", field="password")
    folded = password.casefold()
    if folded in COMMON_PASSWORDS or len(set(folded)) == 1 or folded == username_key(username):
        raise Problem(400, "weak_password", "That password is too easy to guess; choose another.",
                      field="password")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32))
    username_key: Mapped[str] = mapped_column(String(128), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A site admin moderates every room (set with `flask users admin`).
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The room whose page the user opened last, where a login lands them. A hint, not
    # a foreign key (rooms already point at users): it counts only while they are
    # still a member (chat.models.onboarding.landing_room).
    last_room_id: Mapped[int | None] = mapped_column()

    memberships = relationship("Membership", back_populates="user", cascade="all, delete-orphan")

    # Set per request by whoever authenticated the user (chat.login).
    auth_token = None
    auth_token_secret = None

    def get_id(self):
        """The secret of the login that authenticated this request, not the user id:
        flask-login stores it in the session, and revoking the login kills the cookie."""
        return self.auth_token_secret

    @classmethod
    def register(cls, username, password):
        """Create a user, or raise a Problem: 400 for a bad name or password, 409 if taken."""
        username = check_username(username)
        check_password(password, username)
        if cls.named(username) is not None:
            raise cls.taken()
        user = cls(username=username, username_key=username_key(username))
        user.set_password(password)
        db.session.add(user)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            raise cls.taken() from None
        return user

    @staticmethod
    def taken():
        return Problem(409, "username_taken", "That username is taken.", field="username")

    @classmethod
    def named(cls, username, active=False):
        """The user with this name, compared the way names are unique, or None
        (and, with `active`, None for a deactivated account)."""
        if not isinstance(username, str):
            return None
        user = db.session.scalar(select(cls).where(cls.username_key == username_key(username)))
        return None if user is None or (active and not user.is_active) else user

    @classmethod
    def called(cls, username, active=False):
        """`named`, or a 404 Problem saying there is no such user."""
        user = cls.named(username, active)
        if user is None:
            raise Problem(404, "user_not_found", "There is no user with that name.", field="username")
        return user

    @classmethod
    def inactive_among(cls, ids, connection=None):
        """The ids among `ids` of deactivated accounts (read on `connection`, else the session's)."""
        return set((connection or db.session).scalars(
            select(cls.id).where(cls.id.in_(list(ids)), cls.deactivated_at.is_not(None))))

    def opened(self, room_id):
        """Remember `room_id` as the room this user has open; written only when it changes."""
        if self.last_room_id != room_id:
            self.last_room_id = room_id
            db.session.commit()

    @property
    def is_active(self):
        """flask-login's question: a deactivated account is logged in nowhere."""
        return self.deactivated_at is None

    def deactivate(self):
        """End every session and token of this account and refuse new ones; its
        open streams close (its messages and memberships stay)."""
        if self.deactivated_at is None:
            self.deactivated_at = utcnow()
        db.session.execute(delete(AuthToken).where(AuthToken.user_id == self.id))
        db.session.commit()
        broadcasts.logins_changed(self.id)  # the row may not have changed: deactivated before
        broadcasts.signed_out(self)

    @classmethod
    def authenticate(cls, username, password):
        """The user if the password is right, else None; as slow either way."""
        user = cls.named(username)
        if not isinstance(password, str):
            return None
        if user is None:
            passwords.matches(passwords.dummy(current_app.config["PASSWORD_HASH_METHOD"]), password)
            return None
        return user if user.check_password(password) and user.is_active else None

    def set_password(self, password):
        self.password_hash = passwords.make(password, current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password):
        return passwords.matches(self.password_hash, password)

    def to_json(self):
        return {"id": self.id, "username": self.username}
