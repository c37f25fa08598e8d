"""One error shape: JSON `{"error": {"code", "message"}}` on the API, a page elsewhere."""
from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "internal_error",
}


class Problem(Exception):
    """A refusal the user can act on: an HTTP status, a stable code and a sentence."""

    def __init__(self, status, code, message, *, field=None, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers or {}


def wants_json():
    return request.path.startswith("/api/")


def respond(problem):
    """Render a Problem as JSON for the API, as an error page for people."""
    if wants_json():
        body = {"error": {"code": problem.code, "message": problem.message}}
        if problem.field:
            body["error"]["field"] = problem.field
        response = jsonify(body)
    else:
        response = render_template("errors/error.html", problem=problem)
    return response, problem.status, problem.headers


def from_http(error):
    """Werkzeug's exceptions (404 routing, 405, 413, 429 ...) in our shape."""
    code = CODES.get(error.code, (error.name or "error").lower().replace(" ", "_"))
    message = error.description or error.name
    headers = {k: v for k, v in error.get_headers() if k.lower() not in ("content-type",)}
    return respond(Problem(error.code, code, message, headers=headers))


def from_csrf(error):
    return respond(Problem(400, "csrf_failed", f"{error.description} Reload the page and try again."))


def from_crash(error):
    """Unhandled exceptions: Flask has logged the traceback; the user gets our shape."""
    return respond(Problem(500, "internal_error", "Something went wrong on our side. Please try again."))


def register_errorhandlers(app):
    app.register_error_handler(Problem, respond)
    app.register_error_handler(CSRFError, from_csrf)
    app.register_error_handler(HTTPException, from_http)
    app.register_error_handler(500, from_crash)
