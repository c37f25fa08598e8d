"""GET /api/v1/stream: one text/event-stream per tab, carrying all the user's rooms."""
from flask import request
from flask_login import current_user

from chat import realtime
from chat.api import bp
from chat.extensions import db


@bp.get("/stream")
def stream():
    """Resumes from Last-Event-ID (header, or the lastEventId query parameter that
    polyfills send), else from ?cursor= (from a rendered page), else from now.
    ?padding=1 starts with 2 KiB of comment (old IE); ?poll=1 answers once and ends."""
    cursor = (request.headers.get("Last-Event-ID") or request.args.get("lastEventId")
              or request.args.get("cursor"))
    response = realtime.stream_response(current_user, cursor, padding=request.args.get("padding") == "1",
                                        poll=request.args.get("poll") == "1")
    db.session.close()  # its reads are done: a stream holds no database connection for its life
    return response
