"""A message's body as HTML: rendered once (chat.render) when it is posted or
edited, and stored with the renderer's version.

A message whose HTML is missing or older than RENDERER_VERSION is rendered
again whenever it is shown, without being written on a read; `flask messages
rerender` brings them all up to date. Tombstones and system lines have an empty
body, so nothing to render: their HTML is "".
"""
from sqlalchemy import Text, or_, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column

from chat.extensions import db
from chat.models.mention import Mention
from chat.render import RENDERER_VERSION, render


class Formatted:
    """Mixed into Message."""

    html: Mapped[str | None] = mapped_column(Text)
    html_version: Mapped[int | None]

    def render_html(self, room=None):
        """Store the body as sanitised HTML with the @mentions of `room`'s members
        (this message's room by default) marked; returns [(id, username)] of the
        members it marks, its author among them when they named themselves."""
        self.html, members = self.rendered(room or self.room)
        self.html_version = RENDERER_VERSION
        return members

    def rendered(self, room):
        """(the body as HTML, [(id, username)] of the members it marks), now."""
        body = self.body or ""
        members = Mention.candidates(room, body)
        result = render(body, [username for _, username in members])
        return result.html, [(user_id, name) for user_id, name in members if name in result.mentioned]

    def body_html(self):
        """The stored HTML, or, when the renderer has changed since it was stored,
        the body rendered now (one lookup of the members it may mention)."""
        if self.html is not None and self.html_version == RENDERER_VERSION:
            return self.html
        return self.rendered(self.room)[0] if self.body else ""

    @classmethod
    def rerender(cls, batch=500):
        """Render again, `batch` at a time (each batch committed), every message
        whose stored HTML is missing or from an older renderer; yields how many
        each batch did. Who a message mentions (and notified) stays as recorded."""
        stale = or_(cls.html_version.is_(None), cls.html_version != RENDERER_VERSION)
        after = 0
        while True:
            messages = db.session.scalars(select(cls).where(stale, cls.body != "", cls.id > after)
                                          .options(joinedload(cls.room)).order_by(cls.id).limit(batch)).all()
            if not messages:
                return
            for message in messages:
                message.render_html()
            after = messages[-1].id
            db.session.commit()
            yield len(messages)
