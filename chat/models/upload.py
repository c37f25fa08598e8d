"""Files people upload to a room, then post with a message.

An upload is stored first (`Upload.store`: checked, sniffed, images re-encoded),
unposted, visible to its uploader only. A message then claims it (`claim`, in
the post's transaction); from then on the room's members see it, until the
message is deleted, which removes it (`detach`, then `discard` after commit).
Unposted uploads older than a day are swept by `flask uploads cleanup`.

A file's name is for display only: the file lives under a random key.
"""
import mimetypes
import os
import unicodedata
from datetime import datetime, timedelta
from urllib.parse import quote

from flask import current_app
from sqlalchemy import BigInteger, ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

from chat.errors import Problem
from chat.extensions import db
from chat.models.filetype import RASTER_TYPES, sniff
from chat.models.image import decode
from chat.models.types import BigId, UTCDateTime, utcnow
from chat.storage import MB, new_key, storage, upload_limit

NAME_MAX = 255
MAX_ATTACHMENTS = 10
UNPOSTED_FOR = timedelta(days=1)
# Characters that can make a name read as another (right-to-left overrides: "gpj.exe").
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def clean_name(filename):
    """The name to show for an uploaded file, or a 400 Problem: a name is one
    plain component, never a path, with no control characters and at most 255
    characters."""
    if not isinstance(filename, str) or not filename.strip():
        raise Problem(400, "missing_file", "Send a file, with its name, in the multipart field 'file'.", field="file")
    name = unicodedata.normalize("NFC", filename.strip())
    if any(unicodedata.category(ch) in ("Cc", "Cs") or ch in BIDI for ch in name):
        raise Problem(400, "invalid_name", "The file's name contains a control character.", field="file")
    if "/" in name or "\\" in name or name.strip(".") == "":
        raise Problem(400, "invalid_name", "The file's name must be a plain name, not a path.", field="file")
    if len(name) > NAME_MAX:
        raise Problem(400, "name_too_long", f"The file's name must be at most {NAME_MAX} characters.", field="file")
    return name


def not_found():
    return Problem(404, "upload_not_found", "There is no such file, or it was deleted.")


class Upload(db.Model):
    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Set when a message claims it. A message removed by the database (its room
    # deleted) leaves it unposted, and the sweep takes its files.
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int | None]
    height: Mapped[int | None]
    file_key: Mapped[str] = mapped_column(String(64))
    thumbnail_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    @classmethod
    def store(cls, room, uploader, file):
        """Check and keep `file` (a werkzeug FileStorage) as `uploader`'s unposted
        upload in `room`. Refused (nothing kept) with a 413 over MAX_UPLOAD_MB, and
        a 400 when it is empty, misnamed, a polyglot, or a bad or oversized image."""
        name = clean_name(file.filename if file is not None else None)
        stream = file.stream
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(0)
        if size == 0:
            raise Problem(400, "empty_file", "The file is empty.", field="file")
        if size > upload_limit():
            raise Problem(413, "file_too_large", f"Files may be at most {upload_limit() // MB:,} MB.", field="file")
        kind = sniff(stream, name)
        picture = decode(stream, current_app.config["MAX_IMAGE_PIXELS"]) if kind.raster else None
        upload = cls(room_id=room.id, uploader_id=uploader.id, name=name, content_type=kind.content_type)
        saved = []
        try:
            if picture is None:
                upload.file_key = keep(stream, "", saved)
            else:
                upload.file_key = keep(picture.file, picture.suffix, saved)
                upload.width, upload.height = picture.width, picture.height
                if picture.thumbnail is not None:
                    upload.thumbnail_key = keep(picture.thumbnail, picture.thumbnail_suffix, saved)
            upload.size = storage().size(upload.file_key)
            db.session.add(upload)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            cls.discard(saved)
            raise
        finally:
            if picture is not None:
                picture.close()
        return upload

    @staticmethod
    def wanted(ids):
        """The attachment ids a post asks for (None: none), checked: whole numbers, at most 10."""
        if not ids:
            return []
        if any(not isinstance(id, int) or isinstance(id, bool) for id in ids):
            raise Problem(400, "invalid_field", "'attachments' must be a list of upload ids.", field="attachments")
        ids = list(dict.fromkeys(ids))
        if len(ids) > MAX_ATTACHMENTS:
            raise Problem(400, "too_many_attachments", f"A message may carry at most {MAX_ATTACHMENTS} files.",
                          field="attachments")
        return ids

    @classmethod
    def claim(cls, message, ids):
        """Attach uploads `ids` to `message` (flushed, not committed): each must be
        its author's, in its room, and not posted yet; else the transaction is
        rolled back and a 400 Problem raised. The message's attachments are set,
        so its JSON costs no query."""
        uploads = []
        if ids:
            uploads = db.session.scalars(select(cls).where(
                cls.id.in_(ids), cls.uploader_id == message.author_id, cls.room_id == message.room_id,
                cls.message_id.is_(None)).order_by(cls.id).with_for_update()).all()
            missing = set(ids) - {upload.id for upload in uploads}
            if missing:
                db.session.rollback()
                raise Problem(400, "invalid_attachment", f"Upload {min(missing)} is not a file you uploaded to "
                              "this room and have not posted yet.", field="attachments")
            for upload in uploads:
                upload.message_id = message.id
        set_committed_value(message, "attachments", uploads)

    @classmethod
    def detach(cls, message):
        """Delete `message`'s uploads in the current transaction; returns their
        keys, for `discard` once it is committed."""
        rows = db.session.execute(delete(cls).where(cls.message_id == message.id)
                                  .returning(cls.file_key, cls.thumbnail_key)).all()
        set_committed_value(message, "attachments", [])
        return [key for row in rows for key in row if key]

    @classmethod
    def sweep(cls, older_than=UNPOSTED_FOR):
        """Remove unposted uploads older than `older_than`, rows then files; returns how many."""
        stale = select(cls.id).where(cls.message_id.is_(None), cls.created_at < utcnow() - older_than)
        rows = db.session.execute(delete(cls).where(cls.id.in_(stale), cls.message_id.is_(None))
                                  .returning(cls.file_key, cls.thumbnail_key)).all()
        db.session.commit()
        cls.discard([key for row in rows for key in row if key])
        return len(rows)

    @staticmethod
    def discard(keys):
        """Delete stored files, once the commit that removed their rows is done."""
        for key in keys:
            storage().delete(key)

    @classmethod
    def visible(cls, room_id, upload_id, user):
        """Upload `upload_id` of room `room_id` as `user` (a member) may fetch it:
        posted, or their own; else a 404 Problem."""
        upload = db.session.scalar(select(cls).where(cls.id == upload_id, cls.room_id == room_id))
        if upload is None or (upload.message_id is None and upload.uploader_id != user.id):
            raise not_found()
        return upload

    def source(self, thumbnail=False):
        """(key, content type, inline) of the file, or of its thumbnail: an image
        within the bound is its own thumbnail; other files have none (404)."""
        if thumbnail and self.width is None:
            raise not_found()
        if thumbnail and self.thumbnail_key:
            return self.thumbnail_key, mimetypes.guess_type(self.thumbnail_key)[0], True
        return self.file_key, self.content_type, self.content_type in RASTER_TYPES

    @property
    def url(self):
        """Built by hand, like Message.url, so it works outside a request (the stream)."""
        return f"/rooms/{self.room_id}/uploads/{self.id}/{quote(self.name, safe='')}"

    def to_json(self):
        image = self.width is not None
        return {
            "id": self.id,
            "name": self.name,
            "content_type": self.content_type,
            "size": self.size,
            "width": self.width,
            "height": self.height,
            "url": self.url,
            "thumbnail_url": f"/rooms/{self.room_id}/uploads/{self.id}/thumbnail/{quote(self.name, safe='')}"
            if image else None,
        }


def keep(stream, suffix, saved):
    """Save `stream` under a new key (noted in `saved`, to undo); returns the key."""
    key = new_key(suffix)
    saved.append(key)
    storage().save(key, stream)
    return key

