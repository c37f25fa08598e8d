"""Logins: a browser session or an API token, each a revocable secret."""
import hashlib
import secrets
from datetime import datetime
from functools import lru_cache

from sqlalchemy import ForeignKey, String, bindparam, delete, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chat.extensions import db
from chat.models import broadcasts
from chat.models.types import UTCDateTime, utcnow

KINDS = ("session", "api")


def digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


class AuthToken(db.Model):
    """Only the SHA-256 of a secret is stored: a leaked table opens no account."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", lazy="joined")

    @classmethod
    def issue(cls, user, kind, lifetime=None):
        """A new login for `user`; returns (token, secret). The secret is shown once."""
        assert kind in KINDS
        secret = secrets.token_urlsafe(32)
        token = cls(user=user, kind=kind, digest=digest(secret),
                    expires_at=utcnow() + lifetime if lifetime else None)
        db.session.add(token)
        db.session.commit()
        return token, secret

    @staticmethod
    def read(secret, connection):
        """The login for this secret and its user, as stored, in one statement on
        `connection`: [(User, {attribute: value}), (AuthToken, {...})], or None.
        Expired or deactivated ones too: whether it is live is the caller's to check
        (chat.logins, which also remembers it)."""
        if not isinstance(secret, str) or not secret or len(secret) > 256:
            return None
        statement, parts = login_statement()
        row = connection.execute(statement, {"login_digest": digest(secret)}).first()
        if row is None:
            return None
        found, at = [], 0
        for cls, keys in parts:
            found.append((cls, dict(zip(keys, row[at:at + len(keys)]))))
            at += len(keys)
        return found

    def revoke(self):
        db.session.execute(delete(AuthToken).where(AuthToken.id == self.id))
        db.session.commit()
        broadcasts.logins_changed(self.user_id)


@lru_cache(maxsize=1)
def login_statement():
    """The SELECT of a login and its user by digest, built once; and the
    (class, attribute keys) of the row's columns, the user's first."""
    tokens = AuthToken.__mapper__
    users = tokens.relationships["user"].mapper
    parts = [(mapper.class_, [(prop.key, prop.columns[0]) for prop in mapper.column_attrs]) for mapper in (users, tokens)]
    statement = (select(*[column for _, props in parts for _, column in props])
                 .join_from(AuthToken, users.class_, AuthToken.user_id == users.class_.id)
                 .where(AuthToken.digest == bindparam("login_digest")))
    return statement, [(cls, [key for key, _ in props]) for cls, props in parts]
