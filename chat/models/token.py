"""Logins: a browser session or an API token, each a revocable secret."""
import hashlib
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, delete, select
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

    @classmethod
    def find(cls, secret):
        """The live token for this secret, with its user, or None."""
        if not isinstance(secret, str) or not secret or len(secret) > 256:
            return None
        token = db.session.scalar(select(cls).where(cls.digest == digest(secret)))
        if token is None or (token.expires_at and token.expires_at <= utcnow()) or not token.user.is_active:
            return None
        return token

    def revoke(self):
        db.session.execute(delete(AuthToken).where(AuthToken.id == self.id))
        db.session.commit()
        broadcasts.logins_changed(self.user_id)
