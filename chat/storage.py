"""Where uploaded files live, behind one small interface, and how large a request
carrying one may be.

The contract a store meets (LocalStorage here; an S3 store is one more class):

- `save(key, stream)` copies a binary stream, from its current position to its
  end, under `key`, in chunks (never the whole file in memory), and returns the
  bytes written. A key is written once: keys are random (`new_key`), never made
  from a filename, and a saved file is never changed. A failed save leaves nothing.
- `open(key)` returns a readable, seekable binary file; `size(key)` its length.
  Both raise FileNotFoundError for a key that is not stored.
- `delete(key)` removes the file; deleting a missing key is not an error (a
  sweep may run twice).
- `path(key)` is the file's path on this machine, so it can be sent with
  sendfile and ranges, or None for a store that has none (S3: the app streams
  `open(key)` instead).
- `internal_path(key)` is where a proxy in front finds the file, for
  X-Accel-Redirect (nginx), or None to have the app send the bytes itself.
  An S3 store would answer None, or a location that nginx proxies to the bucket.
"""
import os
import re
import secrets
import shutil
import tempfile

from flask import current_app, request
from flask_login import current_user

CHUNK = 64 * 1024
MB = 1024 * 1024
# The multipart form around a file (its headers, the CSRF token, a message's text).
FORM_SLACK = MB
KEY = re.compile(r"[0-9a-f]{2}/[0-9a-f]{32}(\.[a-z0-9]{1,8})?")


def new_key(suffix=""):
    """A random key, fanned out over 256 folders: "ab/ab12...ef.png"."""
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}{suffix}"


class Storage:
    """What every store offers (see the module's docstring for the contract)."""

    def save(self, key, stream):
        raise NotImplementedError

    def open(self, key):
        raise NotImplementedError

    def size(self, key):
        raise NotImplementedError

    def delete(self, key):
        raise NotImplementedError

    def path(self, key):
        return None

    def internal_path(self, key):
        return None


class LocalStorage(Storage):
    """Files on this machine's disk under `root` (UPLOADS_DIR, by default instance/uploads).

    With `accel_prefix` ("/internal-uploads/"), internal_path gives nginx the
    prefix and the key, for a location that is `internal` and aliases `root`.
    """

    def __init__(self, root, accel_prefix=None):
        self.root = os.path.abspath(root)
        self.accel_prefix = accel_prefix

    def path(self, key):
        if not isinstance(key, str) or not KEY.fullmatch(key):
            raise ValueError(f"not a storage key: {key!r}")  # never a path someone wrote
        return os.path.join(self.root, key)

    def save(self, key, stream):
        target = self.path(key)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        # Written beside its place, then renamed: a reader never sees half a file.
        handle, partial = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".partial-")
        try:
            with os.fdopen(handle, "wb") as file:
                shutil.copyfileobj(stream, file, CHUNK)
                written = file.tell()
            os.replace(partial, target)
        except BaseException:
            os.unlink(partial)
            raise
        return written

    def open(self, key):
        return open(self.path(key), "rb")

    def size(self, key):
        return os.path.getsize(self.path(key))

    def delete(self, key):
        try:
            os.unlink(self.path(key))
        except FileNotFoundError:
            pass

    def internal_path(self, key):
        if not self.accel_prefix:
            return None
        return self.accel_prefix.rstrip("/") + "/" + key


def init_app(app):
    """The process's store (app.extensions["storage"]), and room for files in the
    requests of views marked `takes_files`."""
    root = app.config.get("UPLOADS_DIR") or os.path.join(app.instance_path, "uploads")
    app.extensions["storage"] = LocalStorage(root, app.config.get("UPLOADS_ACCEL_REDIRECT") or None)
    app.url_value_preprocessor(allow_files)


def storage():
    """The current app's store."""
    return current_app.extensions["storage"]


def upload_limit():
    """The largest file accepted, in bytes (MAX_UPLOAD_MB)."""
    return int(current_app.config["MAX_UPLOAD_MB"] * MB)


def takes_files(view):
    """Mark a view whose request may carry a file of up to MAX_UPLOAD_MB."""
    view.takes_files = True
    return view


def allow_files(endpoint, values):
    """Raise the app's small MAX_CONTENT_LENGTH for a logged-in user's request to a
    `takes_files` view. It runs before any before_request (the CSRF check reads
    the form), and only for people logged in, so nobody else gets to send 25 MB."""
    view = current_app.view_functions.get(endpoint)
    if getattr(view, "takes_files", False) and current_user.is_authenticated:
        request.max_content_length = upload_limit() + FORM_SLACK
