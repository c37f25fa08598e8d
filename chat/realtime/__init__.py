"""Live delivery: SSE events, stream cursors, the per-process hub and its broker.

Public surface: `init_app`, `announce`, `online`, `cursor_of`, `stream_response`.
"""
from flask import Response, current_app, request

from chat.errors import Problem
from chat.extensions import db
from chat.realtime import hangup
from chat.realtime.brokers import LocalBroker, RedisBroker
from chat.realtime.cursor import dump as cursor_of
from chat.realtime.hub import Hub, room_channel, user_channel
from chat.realtime.publish import announce, online_users
from chat.realtime.resume import plan
from chat.realtime.stream import Stream, catch_up_reads, serve
from chat.realtime.wire import Wire

__all__ = ["announce", "cursor_of", "init_app", "online", "plan", "room_channel", "stream_response", "user_channel"]


def init_app(app):
    """One hub per process, on Redis when REDIS_URL is set, in-process otherwise."""
    config = app.config
    if config["REDIS_URL"]:
        broker = RedisBroker(config["REDIS_URL"], config["REALTIME_PREFIX"], config["REDIS_MAX_CONNECTIONS"])
    else:
        broker = LocalBroker()
    app.extensions["realtime"] = Hub(app, broker, presence_ttl=config["PRESENCE_TTL"],
                                     presence_grace=config["PRESENCE_GRACE"],
                                     presence_coalesce=config["PRESENCE_COALESCE"],
                                     presence_list_limit=config["PRESENCE_LIST_LIMIT"],
                                     heartbeat=config["STREAM_HEARTBEAT"])


def online(room_id):
    """Who has a live stream in the room; [] (and a warning) if the store is down."""
    try:
        return online_users(current_app.extensions["realtime"].broker, room_id)
    except Exception:
        current_app.logger.warning("presence store unavailable", exc_info=True)
        return []


def stream_response(user, positions, resets, padding=False, poll=False):
    """A text/event-stream response for `user`, starting after `positions`; with
    `poll`, one long-poll answer that ends once it has something to say."""
    app, config = current_app._get_current_object(), current_app.config
    hub = app.extensions["realtime"]
    if hub.draining:  # a reconnect on a kept-alive connection to a stopping worker: go elsewhere
        raise Problem(503, "shutting_down", "This server is restarting; reconnect to continue.",
                      headers={"Retry-After": "1"})
    stream = Stream(user.id, user.username, positions, limit=config["STREAM_QUEUE_LIMIT"])
    # Attached before the response starts, so nothing published from here on
    # is missed; detached when the server closes the response, however it ends.
    hub.attach(stream)
    # Read after attaching, so nothing falls between; then the database connection
    # goes back to the pool: a stream holds none for its life.
    behind = catch_up_reads(stream.positions)
    db.session.close()
    unwatch = hangup.watch(request.environ, stream.end)
    body = serve(app, hub, stream, resets, retry_ms=config["STREAM_RETRY_MS"], heartbeat=config["STREAM_HEARTBEAT"],
                 padding=padding, poll=poll, wire=Wire.of(request.environ), behind=behind)
    response = Response(body, mimetype="text/event-stream", headers={
        "Cache-Control": "no-cache", "X-Accel-Buffering": "no", "X-Served-By": hub.node})
    response.call_on_close(lambda: (unwatch(), hub.detach(stream)))
    return response
