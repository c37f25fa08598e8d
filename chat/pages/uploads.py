"""Serving uploaded files to the room's members, outside /api/v1 so that an
<img src> carries the session cookie (a bearer token works too).

Everything goes out with nosniff. Only raster images are shown inline; any
other file (SVG and HTML above all) is a download, under a sandboxing CSP in
case a browser opens it anyway. Ranges and conditional requests work (werkzeug
streams the file in chunks), or nginx sends the bytes (UPLOADS_ACCEL_REDIRECT).
"""
from urllib.parse import quote

from flask import Blueprint, Response, g, send_file
from flask_login import current_user

from chat.models import Upload
from chat.pages import behind_login
from chat.scope import INSIDE, needs
from chat.storage import storage

bp = Blueprint("uploads", __name__)
behind_login(bp)
# A file opened on its own can do nothing: no script, no plugins, no same origin.
SANDBOX = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


@bp.get("/rooms/<id:room_id>/uploads/<id:upload_id>/<name>")
@needs(INSIDE)
def show(upload_id, name):
    """The file, for the room's members (an unposted one for its uploader only); 404 for anyone else."""
    return send(Upload.visible(g.room.id, upload_id, current_user))


@bp.get("/rooms/<id:room_id>/uploads/<id:upload_id>/thumbnail/<name>")
@needs(INSIDE)
def thumbnail(upload_id, name):
    """An image's thumbnail, within 1200×800 (a smaller image is its own)."""
    return send(Upload.visible(g.room.id, upload_id, current_user), thumbnail=True)


def send(upload, thumbnail=False):
    key, content_type, inline = upload.source(thumbnail)
    store = storage()
    internal = store.internal_path(key)
    if internal:
        response = Response(headers={"X-Accel-Redirect": internal}, content_type=content_type)
    else:
        path = store.path(key)
        response = send_file(path or store.open(key), mimetype=content_type, conditional=True, etag=key,
                             last_modified=upload.created_at, max_age=0)
    response.headers["Content-Disposition"] = disposition(upload.name, inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SANDBOX
    response.cache_control.private = True
    return response


def disposition(name, inline):
    """`inline` or `attachment`, with the name as plain ASCII and as UTF-8 (RFC 6266, RFC 5987)."""
    simple = "".join(ch if " " <= ch < "\x7f" and ch not in '"\\%' else "_" for ch in name)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{simple}\"; filename*=UTF-8''{quote(name, safe='')}"
